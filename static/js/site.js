// Large-text mode (适老化): a cookie read by the server, toggled here.
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-large-text-toggle]");
  if (!btn) return;
  var on = !document.body.classList.contains("large-text");
  document.body.classList.toggle("large-text", on);
  document.documentElement.classList.toggle("large-text", on);
  document.cookie = "large_text=" + (on ? "1" : "0") + ";path=/;max-age=31536000;SameSite=Lax";
  btn.setAttribute("aria-pressed", on ? "true" : "false");
  btn.textContent = on ? "标准字号" : "大字模式";
});
