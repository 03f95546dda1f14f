// File inputs in Chinese (选择文件 + the chosen names), whatever the browser's
// language: the native input stays in place, transparent over a styled
// button, so a click, a tap, the keyboard and drag-and-drop all reach it and
// its accessible name (its <label> or aria-label: the material name) is kept.
(function () {
  function names(input) {
    var files = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    if (!files.length) return "未选择文件";
    if (files.length === 1) return "已选择：" + files[0];
    return "已选择 " + files.length + " 个文件：" + files.join("、");
  }
  // A page may name the input with a visible <label class="file-label">
  // (选择文件 / 追加文件 + the material name for screen readers): the button
  // takes over its visible words, the label keeps naming the input.
  function ownLabel(input) {
    return Array.prototype.filter.call(input.labels || [], function (l) {
      return l.classList.contains("file-label");
    })[0];
  }
  function enhance(input) {
    if (input.dataset.filePick) return;
    input.dataset.filePick = "1";
    var wrap = document.createElement("span");
    wrap.className = "file-pick";
    var button = document.createElement("span");
    button.className = "file-pick-btn";
    button.setAttribute("aria-hidden", "true");
    var label = ownLabel(input);
    var words = label && label.firstChild && label.firstChild.nodeType === 3 ? label.firstChild.textContent.trim() : "";
    button.textContent = words || (input.multiple ? "选择文件（可多选）" : "选择文件");
    if (label) label.classList.add("sr-only");
    var chosen = document.createElement("span");
    chosen.className = "file-pick-name";
    chosen.setAttribute("aria-hidden", "true");
    chosen.textContent = names(input);
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(button);
    wrap.appendChild(input);
    wrap.appendChild(chosen);
    input.addEventListener("change", function () {
      chosen.textContent = names(input);
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
