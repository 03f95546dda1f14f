// 挂牌上岗: fills the display's staff panel from /api/v1/feedback/staff-show/
// (who serves at each counter: name, staff number, post, scope; where an
// absent clerk is and until when, and who covers (B岗); the complaint phones).
// Refreshed every minute; a failed fetch keeps what is shown.
(function () {
  "use strict";
  var panel = document.getElementById("staff-show");
  if (!panel) return;
  var url = panel.getAttribute("data-staff-show-url");
  var list = panel.querySelector(".staff-list");
  var phones = panel.querySelector(".staff-phones");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function render(data) {
    list.textContent = "";
    data.counters.forEach(function (counter) {
      counter.staff.forEach(function (p) {
        var li = el("li", p.away ? "staff away" : "staff");
        li.appendChild(el("span", "staff-counter", counter.number + " 号窗口"));
        li.appendChild(el("strong", "staff-name", p.name));
        li.appendChild(el("span", "staff-no", "工号 " + p.staff_number));
        if (p.title) li.appendChild(el("span", "staff-title", p.title));
        if (p.scope) li.appendChild(el("span", "staff-scope", "业务范围：" + p.scope));
        if (p.away) {
          var away = "暂时离岗" + (p.away_note ? "：" + p.away_note : "");
          if (p.backup) away += "；由 " + p.backup.name + "（工号 " + p.backup.staff_number + "）代岗";
          li.appendChild(el("span", "staff-away", away));
        }
        list.appendChild(li);
      });
    });
    var c = data.contact || {};
    var text = "";
    if (c.centre_phone) text += "中心投诉电话 " + c.centre_phone;
    if (c.efficiency_phone) text += (text ? " · " : "") + "效能投诉电话 " + c.efficiency_phone;
    phones.textContent = text;
    panel.hidden = !(list.children.length || text);
  }

  function load() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {});
  }

  load();
  setInterval(load, 60000);
})();
