/* Case pages: confirm before irreversible submits; print button. No framework. */
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      ev.preventDefault();
      return;
    }
    if (ev.target.closest("[data-print]")) {
      ev.preventDefault();
      window.print();
    }
    /* A link with data-dialog opens that <dialog> (its page is the fallback). */
    var opener = ev.target.closest("[data-dialog]");
    var dialog = opener && document.getElementById(opener.getAttribute("data-dialog"));
    if (dialog && typeof dialog.showModal === "function") {
      ev.preventDefault();
      dialog.showModal();
      var field = dialog.querySelector("textarea, input:not([type=hidden])");
      if (field) field.focus();
      return;
    }
    var closer = ev.target.closest("[data-dialog-close]");
    if (closer && closer.closest("dialog")) {
      ev.preventDefault();
      closer.closest("dialog").close();
    }
  });
  /* Show the chosen file name next to each upload slot. */
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("input[type=file]")) return;
    var note = input.parentNode.querySelector(".file-chosen");
    if (!note) {
      note = document.createElement("span");
      note.className = "file-chosen small";
      input.insertAdjacentElement("afterend", note);
    }
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    note.textContent = names.length ? "已选择：" + names.join("、") : "";
  });
})();
