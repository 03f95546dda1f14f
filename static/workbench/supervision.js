/* Supervision desk: the stacked bar of lamps per department (ECharts, vendored).
   The data comes from a JSON block written by the page (json_script); the table
   below the chart holds the same numbers, so the chart is optional. A click on a
   bar segment opens the list behind it. */
(function () {
  "use strict";
  var el = document.getElementById("lamp-chart");
  var dataEl = document.getElementById("lamp-chart-data");
  if (!el || !dataEl || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var colours = { red: "#b3261e", yellow: "#e0a800", green: "#1e7b45" };
  var rows = data.names.length;
  el.style.height = Math.max(220, Math.min(640, 60 + rows * 34)) + "px";
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: data.series.map(function (s) { return s.label; }) },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category", inverse: true, data: data.names,
      axisLabel: { width: 130, overflow: "truncate" }
    },
    series: data.series.map(function (s) {
      return {
        name: s.label, type: "bar", stack: "lamps", data: s.data,
        itemStyle: { color: colours[s.lamp] }, barMaxWidth: 26,
        emphasis: { focus: "series" }, lamp: s.lamp
      };
    })
  });
  chart.on("click", function (params) {
    var series = data.series[params.seriesIndex];
    var links = data.links[params.dataIndex];
    if (series && links && links[series.lamp]) { window.location.href = links[series.lamp]; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
