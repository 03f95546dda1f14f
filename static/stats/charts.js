/* Statistics page: the four charts (ECharts, vendored) drawn from the JSON block
   the page writes (json_script "stats-chart-data"); each chart's table is on the
   page too, so the charts are optional. Also used by the leader's screen
   (screen.js calls window.ztStatsCharts.draw with fresh data). */
(function () {
  "use strict";
  var colours = {
    blue: "#1f5fa8", green: "#1e7b45", red: "#b3261e", yellow: "#e0a800",
    grey: "#6b7280", teal: "#0f766e"
  };
  var charts = {};

  function chartFor(id, theme) {
    var el = document.getElementById(id);
    if (!el || typeof window.echarts === "undefined") { return null; }
    if (!charts[id]) { charts[id] = window.echarts.init(el, theme || null, { renderer: "canvas" }); }
    return charts[id];
  }

  function textColour(dark) { return dark ? "#e5edf7" : "#1f2937"; }

  function base(dark) {
    return {
      animation: false,
      textStyle: { color: textColour(dark), fontFamily: "Noto Sans CJK SC, sans-serif" },
      grid: { left: 12, right: 24, top: 40, bottom: 12, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: textColour(dark) } }
    };
  }

  function axisStyle(dark) {
    return {
      axisLabel: { color: textColour(dark) },
      axisLine: { lineStyle: { color: dark ? "#5b6b82" : "#9ca3af" } },
      splitLine: { lineStyle: { color: dark ? "#2a3a52" : "#e5e7eb" } }
    };
  }

  function draw(data, dark) {
    var c, o, ax = axisStyle(dark);
    if (data.trend && (c = chartFor("chart-trend"))) {
      o = base(dark);
      o.xAxis = Object.assign({ type: "category", data: data.trend.labels }, ax);
      o.yAxis = [
        Object.assign({ type: "value", minInterval: 1, name: "件" }, ax),
        Object.assign({ type: "value", min: 0, max: 100, name: "%" }, ax)
      ];
      o.series = [
        { name: "收件", type: "line", data: data.trend.received, itemStyle: { color: colours.blue }, symbolSize: 6 },
        { name: "办结", type: "line", data: data.trend.concluded, itemStyle: { color: colours.green }, symbolSize: 6 },
        { name: "按时办结率", type: "line", yAxisIndex: 1, data: data.trend.on_time_rate, itemStyle: { color: colours.yellow }, lineStyle: { type: "dashed" }, connectNulls: true }
      ];
      c.setOption(o, true);
    }
    if (data.departments && (c = chartFor("chart-departments"))) {
      o = base(dark);
      o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
      o.xAxis = Object.assign({ type: "value", minInterval: 1 }, ax);
      o.yAxis = Object.assign({ type: "category", inverse: true, data: data.departments.labels }, ax);
      o.yAxis.axisLabel = { color: textColour(dark), width: 120, overflow: "truncate" };
      o.series = [
        { name: "收件", type: "bar", data: data.departments.received, itemStyle: { color: colours.blue }, barMaxWidth: 18 },
        { name: "办结", type: "bar", data: data.departments.concluded, itemStyle: { color: colours.green }, barMaxWidth: 18 },
        { name: "超期", type: "bar", data: data.departments.overdue, itemStyle: { color: colours.red }, barMaxWidth: 18 }
      ];
      c.setOption(o, true);
    }
    if (data.lamps && (c = chartFor("chart-lamps"))) {
      o = base(dark);
      o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
      o.xAxis = Object.assign({ type: "value", minInterval: 1 }, ax);
      o.yAxis = Object.assign({ type: "category", inverse: true, data: data.lamps.labels }, ax);
      o.yAxis.axisLabel = { color: textColour(dark), width: 120, overflow: "truncate" };
      o.series = [
        { name: "红灯", type: "bar", stack: "l", data: data.lamps.red, itemStyle: { color: colours.red }, barMaxWidth: 22 },
        { name: "黄灯", type: "bar", stack: "l", data: data.lamps.yellow, itemStyle: { color: colours.yellow }, barMaxWidth: 22 },
        { name: "绿灯", type: "bar", stack: "l", data: data.lamps.green, itemStyle: { color: colours.green }, barMaxWidth: 22 }
      ];
      c.setOption(o, true);
    }
    if (data.waiting && (c = chartFor("chart-waiting"))) {
      o = base(dark);
      o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
      o.xAxis = Object.assign({ type: "category", data: data.waiting.labels }, ax);
      o.yAxis = Object.assign({ type: "value", name: "分钟" }, ax);
      o.series = [
        { name: "平均等候", type: "bar", data: data.waiting.avg, itemStyle: { color: colours.teal }, barMaxWidth: 22 },
        { name: "90%等候", type: "line", data: data.waiting.p90, itemStyle: { color: colours.red }, connectNulls: true }
      ];
      c.setOption(o, true);
    }
  }

  window.ztStatsCharts = {
    draw: draw,
    charts: charts,
    seriesCount: function () {
      var n = 0;
      Object.keys(charts).forEach(function (k) { n += (charts[k].getOption().series || []).length; });
      return n;
    }
  };
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });

  var dataEl = document.getElementById("stats-chart-data");
  if (dataEl && !document.body.classList.contains("stats-screen")) {
    draw(JSON.parse(dataEl.textContent), false);
  }
})();
