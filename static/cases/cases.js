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
