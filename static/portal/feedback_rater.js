/* 评价器: poll the counter's current service, show the form, submit, idle. */
(function () {
  "use strict";
  var root = document.getElementById("rater");
  if (!root) { return; }
  var views = {};
  root.querySelectorAll("[data-view]").forEach(function (el) { views[el.dataset.view] = el; });
  var form = views.form;
  var current = null;       // ticket id shown
  var idleTimer = null;
  var busy = false;
  var idleMs = (parseInt(root.dataset.idleSeconds, 10) || 60) * 1000;
  var thanksMs = (parseInt(root.dataset.thanksSeconds, 10) || 8) * 1000;
  var pollMs = (parseInt(root.dataset.pollSeconds, 10) || 2) * 1000;

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  function show(name) {
    Object.keys(views).forEach(function (k) { views[k].hidden = k !== name; });
  }
  function toIdle() {
    current = null;
    form.reset();
    field("error").hidden = true;
    show("idle");
  }
  function armIdle() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(toIdle, idleMs);
  }
  function showTicket(data) {
    current = data.ticket;
    form.reset();  // nothing pre-selected
    field("number").textContent = data.number;
    field("matter").textContent = data.matter || "";
    field("staff").textContent = data.staff ? " · 服务人员 " + data.staff : "";
    field("error").hidden = true;
    show("form");
    armIdle();
  }
  function poll() {
    if (busy || !views.thanks.hidden) { return; }
    fetch(root.dataset.apiCurrent, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.ticket && data.ticket !== current) { showTicket(data); }
        else if (!data.ticket && current && views.form.hidden === false) { /* rated elsewhere */ toIdle(); }
      })
      .catch(function () { /* network hiccup: try again next tick */ });
  }
  form.addEventListener("input", armIdle);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var level = form.querySelector('input[name="level"]:checked');
    var error = field("error");
    if (!level) {
      error.textContent = "请先选择总体满意度。";
      error.hidden = false;
      return;
    }
    var body = { ticket: current, level: parseInt(level.value, 10), indicators: {} };
    form.querySelectorAll('input[type="radio"][name^="ind_"]:checked').forEach(function (el) {
      body.indicators[el.name.slice(4)] = parseInt(el.value, 10);
    });
    body.comment = form.elements.comment.value;
    body.phone = form.elements.phone.value.trim();
    busy = true;
    fetch(root.dataset.apiRate, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        busy = false;
        if (!res.ok) {
          error.textContent = res.data.message || "提交失败，请重试。";
          error.hidden = false;
          return;
        }
        field("thanks-note").textContent = res.data.rectification
          ? "您的意见已转交服务部门核实整改，我们会尽快改进。"
          : "您的意见我们会认真对待。";
        show("thanks");
        clearTimeout(idleTimer);
        setTimeout(toIdle, thanksMs);
      })
      .catch(function () {
        busy = false;
        error.textContent = "网络异常，请重试。";
        error.hidden = false;
      });
  });
  toIdle();
  poll();
  setInterval(poll, pollMs);
})();
