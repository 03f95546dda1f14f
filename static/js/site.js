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

// High-contrast mode (适老化、低视力): remembered in a cookie like large text.
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-contrast-toggle]");
  if (!btn) return;
  var on = !document.documentElement.classList.contains("high-contrast");
  document.body.classList.toggle("high-contrast", on);
  document.documentElement.classList.toggle("high-contrast", on);
  document.cookie = "high_contrast=" + (on ? "1" : "0") + ";path=/;max-age=31536000;SameSite=Lax";
  btn.setAttribute("aria-pressed", on ? "true" : "false");
});

// After a failed submit, move focus to the error summary (role=alert,
// tabindex=-1) so keyboard and screen-reader users start from the errors;
// a link in the summary moves focus to its field.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.addEventListener("click", function (e) {
    var link = e.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (!field) return;
    e.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();

// A region that scrolls sideways (a wide table on a phone) must be reachable
// by keyboard (WCAG 2.1.1): give it tab focus and a name while it overflows.
(function () {
  function mark() {
    var all = document.querySelectorAll("main *");
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      var overflow = getComputedStyle(el).overflowX;
      var scrolls = (overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-region", "");
        if (!el.hasAttribute("role")) el.setAttribute("role", "region");
        if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
          var section = el.closest("section, .card");
          var heading = section && section.querySelector("h1, h2, h3, caption");
          el.setAttribute("aria-label", (heading ? heading.textContent.trim() + "：" : "") + "可左右滚动");
        }
      } else if (!scrolls && el.hasAttribute("data-scroll-region")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-region");
      }
    }
  }
  mark();
  var timer;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(mark, 200);
  });
})();

// Behaviours the templates ask for by data attribute (the Content-Security-
// Policy allows no inline script or on…= handler): print, confirm before
// submit, submit on change, a poll that waits while a field has focus.
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
document.addEventListener("submit", function (e) {
  var form = e.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
});
document.addEventListener("change", function (e) {
  var field = e.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("htmx:beforeRequest", function (e) {
  var elt = e.detail && e.detail.elt;
  if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-poll-pause-on-focus")) return;
  if (elt.querySelector("input:focus, select:focus, textarea:focus")) e.preventDefault();
});
