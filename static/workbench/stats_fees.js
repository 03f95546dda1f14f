/* Statistics page: the fee bar chart (各部门收费) from the JSON block
   "stats-fees-data"; the table beside it holds the same figures. Loaded with
   defer, after ECharts. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("chart-fees");
    var data = document.getElementById("stats-fees-data");
    if (!el || !data || typeof window.echarts === "undefined") { return; }
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
      grid: { left: 12, right: 24, top: 40, bottom: 12, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, overflow: "truncate", width: 90 } },
      yAxis: { type: "value", name: "元" },
      series: [
        { name: "应收", type: "bar", data: d.charged.map(Number), itemStyle: { color: "#1f5fa8" } },
        { name: "净收", type: "bar", data: d.net.map(Number), itemStyle: { color: "#1e7b45" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
