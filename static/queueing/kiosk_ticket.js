// The ticket slip (取号机): print once loaded unless ?noprint=1, then return to
// the kiosk after 30 s (the return address is the page's data-kiosk-return).
(function () {
  var home = document.querySelector("[data-kiosk-return]");
  if (!/[?&]noprint=1/.test(location.search)) {
    window.addEventListener("load", function () {
      setTimeout(function () { window.print(); }, 300);
    });
  }
  if (home) {
    setTimeout(function () { location.href = home.getAttribute("data-kiosk-return"); }, 30000);
  }
})();
