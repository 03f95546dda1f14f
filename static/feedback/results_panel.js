// 好差评结果公开 on the hall display: this month's ratings, satisfaction rate,
// bad ratings rectified and complaints per department, from the public
// results feed (/api/v1/feedback/public/results/). Refreshed every 5 minutes;
// a failed fetch keeps what is shown.
(function () {
  "use strict";
  var panel = document.getElementById("rating-results");
  if (!panel) return;
  var url = panel.getAttribute("data-results-url");
  var totals = panel.querySelector(".results-totals");
  var rows = panel.querySelector(".results-rows");

  function rate(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function cell(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  function render(data) {
    var t = data.totals || {};
    totals.textContent =
      data.month + " 评价 " + (t.ratings || 0) + " 条 · 满意率 " + rate(t.satisfaction_rate) +
      " · 差评 " + (t.dissatisfied || 0) + " · 已整改 " + (t.rectified || 0);
    rows.textContent = "";
    (data.rows || []).slice(0, 8).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("td", r.department_name || ""));
      tr.appendChild(cell("td", String(r.ratings || 0)));
      tr.appendChild(cell("td", rate(r.satisfaction_rate)));
      tr.appendChild(cell("td", String(r.complaints || 0)));
      rows.appendChild(tr);
    });
    panel.hidden = false;
  }

  function load() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {});
  }

  load();
  setInterval(load, 300000);
})();
