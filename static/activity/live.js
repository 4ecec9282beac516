// Live operation fragments, the parts htmx cannot do:
// - fall back to polling when the browser gives up on an event stream: htmx:sseError also
//   fires for a dropped connection that the browser reconnects by itself (readyState
//   CONNECTING); only a refused stream (an error status, a wrong content type: CLOSED)
//   needs the fragment's polling URL, which it asks for on "opstreamfailed";
// - tick the "elapsed" clocks once a second between the server's updates;
// - read step changes out on the operation page, where the swapped part is too big to be
//   a live region of its own.
"use strict";
(function () {
  function words(total) {
    if (total < 1) return "under 1 s";
    if (total < 60) return total + " s";
    var minutes = Math.floor(total / 60), seconds = total % 60;
    if (minutes < 60) return seconds ? minutes + " min " + seconds + " s" : minutes + " min";
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    return minutes ? hours + " h " + minutes + " min" : hours + " h";
  }

  function tick() {
    var now = Date.now();
    // Counted from when the element arrived, on top of the server's value: the browser's
    // clock may disagree with the server's, its own stopwatch does not.
    document.querySelectorAll("[data-op-elapsed]").forEach(function (el) {
      var base = parseInt(el.getAttribute("data-op-elapsed"), 10);
      if (isNaN(base)) return;
      if (!el.dataset.opSeen) el.dataset.opSeen = String(now);
      var extra = Math.floor((now - Number(el.dataset.opSeen)) / 1000);
      el.textContent = words(base + Math.max(0, extra));
    });
  }

  var lastStep = null;
  function announce() {
    var announcer = document.getElementById("op-announcer");
    var label = document.querySelector(".op-detail .op-step-label");
    if (!announcer || !label) return;
    var text = label.textContent.trim();
    if (lastStep !== null && text !== lastStep) announcer.textContent = "Now: " + text;
    lastStep = text;
  }

  function streamFailed(evt) {
    var source = evt.detail && evt.detail.source;
    if (source && source.readyState === EventSource.CLOSED && window.htmx) {
      window.htmx.trigger(evt.target, "opstreamfailed");
    }
  }

  window.setInterval(tick, 1000);
  document.addEventListener("htmx:sseError", streamFailed);
  document.addEventListener("DOMContentLoaded", announce);
  document.addEventListener("htmx:afterSettle", announce);
})();
