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
  /* An irreversible action asks once more in a <dialog> (the server asks on a
     second page when this script does not run): what was entered is echoed,
     and only 「确定」 sends the form, with confirmed=1. */
  function confirmSummary(form, list) {
    list.textContent = "";
    form.querySelectorAll("textarea, input[type=text], input[type=date], input[type=number], select, input:checked").forEach(function (field) {
      var value = field.tagName === "SELECT" ? (field.selectedOptions[0] || {}).textContent : field.value;
      if (field.type === "radio" || field.type === "checkbox") {
        var own = form.querySelector("label[for='" + field.id + "']");
        value = own ? own.textContent.trim() : value;
      }
      if (!value || !value.trim()) return;
      var holder = field.closest("fieldset");
      var label = holder ? holder.querySelector("legend") : form.querySelector("label[for='" + field.id + "']");
      var dt = document.createElement("dt");
      dt.textContent = label ? label.textContent.replace("*", "").trim() : field.name;
      var dd = document.createElement("dd");
      dd.textContent = value.trim();
      list.appendChild(dt);
      list.appendChild(dd);
    });
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var dialog = form.getAttribute && document.getElementById(form.getAttribute("data-confirm-dialog") || "");
    if (!dialog || typeof dialog.showModal !== "function" || form.querySelector("input[name=confirmed]")) return;
    ev.preventDefault();
    var list = dialog.querySelector("[data-confirm-summary]");
    if (list) confirmSummary(form, list);
    dialog.showModal();
    var go = dialog.querySelector("[data-confirm-go]");
    if (go) {
      go.focus();
      go.onclick = function () {
        var flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "confirmed";
        flag.value = "1";
        form.appendChild(flag);
        dialog.close();
        form.submit();
      };
    }
  });
  /* Counter intake: show the fields of the chosen applicant type only. */
  function subjectKind() {
    var chosen = document.querySelector("input[name=subject_kind]:checked");
    if (!chosen) return;
    document.querySelectorAll("[data-subject-group]").forEach(function (group) {
      group.hidden = group.getAttribute("data-subject-group") !== chosen.value;
    });
  }
  document.addEventListener("change", function (ev) {
    if (ev.target.name === "subject_kind") subjectKind();
  });
  subjectKind();
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
