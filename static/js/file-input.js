// File inputs in Chinese (选择文件 + the chosen names), whatever the browser's
// language: the native input stays in place, transparent over a styled
// button, so a click, a tap, the keyboard and drag-and-drop all reach it and
// its accessible name (its <label> or aria-label: the material name) is kept.
(function () {
  function names(input) {
    var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    if (!files.length) return "未选择文件";
    if (files.length === 1) return files[0];
    return "已选 " + files.length + " 个文件：" + files.join("、");
  }
  function enhance(input) {
    if (input.dataset.filePick) return;
    input.dataset.filePick = "1";
    var wrap = document.createElement("span");
    wrap.className = "file-pick";
    var button = document.createElement("span");
    button.className = "file-pick-btn";
    button.setAttribute("aria-hidden", "true");
    button.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    var label = document.createElement("span");
    label.className = "file-pick-name";
    label.setAttribute("aria-hidden", "true");
    label.textContent = names(input);
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(button);
    wrap.appendChild(input);
    wrap.appendChild(label);
    input.addEventListener("change", function () {
      label.textContent = names(input);
      wrap.classList.toggle("has-file", !!(input.files && input.files.length));
    });
  }
  function all(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("input[type=file]"), enhance);
  }
  all(document);
  // htmx swaps (the supplement and intake forms load parts of the page)
  document.addEventListener("htmx:afterSwap", function (e) { all(e.target); });
})();
