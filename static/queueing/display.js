// Hall and counter displays: live over a WebSocket, reconnecting with backoff,
// announcing each call aloud (zh-CN speech synthesis).
(function () {
  "use strict";
  var root = document.querySelector("[data-ws-path]");
  if (!root) return;
  var path = root.getAttribute("data-ws-path");
  var connEl = document.getElementById("conn");
  var nowEl = document.getElementById("now-calling");
  var callsEl = document.getElementById("recent-calls");
  var waitsEl = document.getElementById("waits");
  var speechOn = localStorage.getItem("queue_speech") === "1";
  var speechBtn = document.getElementById("speech-toggle");
  var retry = 0;
  var socket = null;
  var lastCalls = [];
  window.queueDisplay = { received: [], state: "connecting" };

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function setConn(ok, text) {
    window.queueDisplay.state = ok ? "open" : "down";
    if (!connEl) return;
    connEl.textContent = text;
    connEl.classList.toggle("down", !ok);
  }
  function speak(text) {
    if (!speechOn || !text || !("speechSynthesis" in window)) return;
    for (var i = 0; i < 2; i++) {
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "zh-CN";
      u.rate = 0.9;
      window.speechSynthesis.speak(u);
    }
  }
  function renderNow(call) {
    if (!nowEl) return;
    if (!call) {
      nowEl.innerHTML = '<div class="label">当前呼叫</div><div class="big">—</div><div class="where">请留意叫号</div>';
      return;
    }
    nowEl.innerHTML =
      '<div class="label">请</div><div class="big" data-number>' + esc(call.number) + "</div>" +
      '<div class="where">到 <span data-counter>' + esc(call.counter) + "</span> 号窗口办理</div>" +
      '<div class="cat">' + esc(call.category) + "</div>";
    nowEl.classList.remove("flash");
    void nowEl.offsetWidth;
    nowEl.classList.add("flash");
  }
  function renderCalls(calls) {
    lastCalls = calls.slice(0, 8);
    if (!callsEl) return;
    if (!lastCalls.length) {
      callsEl.innerHTML = '<li><span>暂无呼叫</span></li>';
      return;
    }
    callsEl.innerHTML = lastCalls.map(function (c) {
      return '<li><span class="num">' + esc(c.number) + "</span><span>" + esc(c.counter) + " 号窗口</span></li>";
    }).join("");
  }
  function renderWaits(waits) {
    if (!waitsEl || !waits) return;
    waitsEl.innerHTML = waits.map(function (w) {
      return '<div class="wait' + (w.warning ? " warn" : "") + '"><div>' + esc(w.prefix) + " " + esc(w.name) +
        '</div><div class="n">' + esc(w.waiting) + '</div><div class="small">人等候</div></div>';
    }).join("");
  }
  function onMessage(msg) {
    if (msg.type === "snapshot") {
      renderCalls(msg.calls || []);
      renderNow((msg.calls || [])[0]);
      renderWaits(msg.waiting);
      return;
    }
    if (msg.type !== "event") return;
    window.queueDisplay.received.push({ event: msg.event, number: msg.call && msg.call.number, at: Date.now() });
    renderWaits(msg.waiting);
    if (msg.event === "call" || msg.event === "recall" || msg.event === "resume") {
      var c = msg.call;
      lastCalls = [c].concat(lastCalls.filter(function (x) { return x.number !== c.number; }));
      renderCalls(lastCalls);
      renderNow(c);
      if (msg.event !== "resume") speak(c.speech);
    }
  }
  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + path);
    socket.onopen = function () { retry = 0; setConn(true, "实时连接"); };
    socket.onmessage = function (e) {
      try { onMessage(JSON.parse(e.data)); } catch (err) { /* ignore malformed */ }
    };
    socket.onclose = function () {
      setConn(false, "连接中断，正在重连…");
      var delay = Math.min(30000, 1000 * Math.pow(2, retry)) * (0.5 + Math.random() / 2);
      retry += 1;
      setTimeout(connect, delay);
    };
    socket.onerror = function () { try { socket.close(); } catch (err) { /* closed */ } };
  }
  if (speechBtn) {
    var label = function () { speechBtn.textContent = speechOn ? "语音播报：开" : "开启语音播报"; };
    label();
    speechBtn.addEventListener("click", function () {
      speechOn = !speechOn;
      localStorage.setItem("queue_speech", speechOn ? "1" : "0");
      label();
      if (speechOn) speak("语音播报已开启");
    });
  }
  var clock = document.getElementById("clock");
  if (clock) {
    // the centre's time (TIME_ZONE), whatever the display computer is set to
    var zone = clock.getAttribute("data-time-zone") || undefined;
    var tick = function () {
      var d = new Date();
      try {
        clock.textContent = d.toLocaleTimeString("zh-CN", { hour12: false, timeZone: zone });
      } catch (e) {
        clock.textContent = d.toLocaleTimeString("zh-CN", { hour12: false });
      }
    };
    tick();
    setInterval(tick, 1000);
  }
  connect();
})();
