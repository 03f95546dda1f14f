/* Leader's screen (大屏): draws the charts from the page's JSON block, then
   fetches fresh data every data-refresh seconds and updates the figures, the
   honours and the charts in place (no reload, no inline script: CSP). */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-url");
  var seconds = parseInt(body.getAttribute("data-refresh"), 10) || 60;

  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function text(v) { return v === null || v === undefined ? "—" : String(v); }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  function honours(h) {
    var box = document.querySelector("[data-honours]");
    if (!box) { return; }
    if (!h) { box.innerHTML = "<p class=\"screen-note\">尚无已签发的月度考核。</p>"; return; }
    var flags = h.red_flags.map(function (r) {
      return "<li><span class=\"flag-dot\" aria-hidden=\"true\"></span>" + esc(r.name) + " <span class=\"muted\">" + esc(r.score) + " 分</span></li>";
    }).join("") || "<li class=\"muted\">本期未评红旗窗口</li>";
    var stars = h.service_stars.map(function (r) {
      return "<li>" + esc(r.name) + " <span class=\"stars\">" + "★★★★★".slice(0, r.stars) + "</span></li>";
    }).join("") || "<li class=\"muted\">本月暂无</li>";
    box.innerHTML = "<h3>红旗窗口</h3><ul class=\"honours\">" + flags + "</ul><h3>服务明星</h3><ul class=\"honours\">" + stars + "</ul>";
  }

  function apply(data) {
    document.querySelectorAll("[data-field]").forEach(function (el) {
      var key = el.getAttribute("data-field");
      var value = key === "updated" ? data.updated : data.figures[key];
      el.textContent = el.getAttribute("data-format") === "pct" ? pct(value) : text(value);
    });
    honours(data.honours);
    if (window.ztStatsCharts) { window.ztStatsCharts.draw(data.chart, true); }
  }

  var first = document.getElementById("screen-data");
  if (first && window.ztStatsCharts) { window.ztStatsCharts.draw(JSON.parse(first.textContent).chart, true); }

  function refresh() {
    if (!url || !window.fetch) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(apply)
      .catch(function () { /* keep the last figures; try again next time */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
