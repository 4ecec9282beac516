// Live operation fragments, the parts htmx cannot do:
// - fall back to polling when the browser gives up on an event stream: htmx:sseError also
//   fires for a dropped connection that the browser reconnects by itself (readyState
//   CONNECTING); only a refused stream (an error status, a wrong content type: CLOSED)
//   needs the fragment's polling URL, which it asks for on "opstreamfailed";
// - tick the "elapsed" clocks and the waits' countdowns once a second between the server's
//   updates;
// - read step changes out on the operation page, where the swapped part is too big to be
//   a live region of its own;
// - open a stream again that has gone silent: the server sends "beat" every few seconds
//   (its data: how many), so three missed beats mean the connection died without closing
//   (a laptop that slept, a connection a router forgot), which the browser never notices
//   by itself: the page would look live while showing old news.
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

  // Counted from when the element arrived, from the server's value: the browser's clock may
  // disagree with the server's, its own stopwatch does not. ``sign`` 1 counts up (elapsed),
  // -1 down (a wait's seconds left, never below nothing).
  function clocks(attribute, sign, now) {
    document.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      var base = parseInt(el.getAttribute(attribute), 10);
      if (isNaN(base)) return;
      if (!el.dataset.opSeen) el.dataset.opSeen = String(now);
      var gone = Math.max(0, Math.floor((now - Number(el.dataset.opSeen)) / 1000));
      el.textContent = words(Math.max(0, base + sign * gone));
    });
  }

  function tick() {
    var now = Date.now();
    clocks("data-op-elapsed", 1, now);
    clocks("data-op-countdown", -1, now);
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

  // "Connection lost — retrying": while any stream of the page is down and the browser is
  // reconnecting it, say so (the page would otherwise look live while showing old news).
  var lost = new Set();
  function streamStatus() {
    var note = document.getElementById("stream-status");
    if (!note) {
      note = document.createElement("p");
      note.id = "stream-status";
      note.className = "stream-status";
      note.setAttribute("role", "status");
      note.hidden = true;
      note.textContent = "Connection to the panel lost — retrying…";
      document.body.appendChild(note);
    }
    note.hidden = lost.size === 0;
  }
  function streamLost(evt) {
    var source = evt.detail && evt.detail.source;
    if (source && source.readyState === EventSource.CONNECTING) lost.add(evt.target);
    else lost.delete(evt.target);  // CLOSED: the fragment polls instead (streamFailed)
    // A stream the server ends on purpose (every few minutes) is back within its retry
    // delay; only one still down after that is news.
    window.setTimeout(streamStatus, 4500);
  }
  function streamBack(evt) {
    if (lost.delete(evt.target)) streamStatus();
  }

  // "Live updates unavailable": the server says so on a stream it cannot keep open (Redis is
  // down); the fragments still arrive, by reconnection every few seconds. The note goes
  // once no stream has said it for a while (Redis is back and streams stay open again).
  var unavailableUntil = 0;
  function liveNote() {
    var note = document.getElementById("live-unavailable");
    var show = Date.now() < unavailableUntil;
    if (!note && !show) return;
    if (!note) {
      note = document.createElement("p");
      note.id = "live-unavailable";
      note.className = "stream-status live-unavailable";
      note.setAttribute("role", "status");
      document.body.appendChild(note);
    }
    note.hidden = !show;
  }
  function watchUnavailable(evt) {
    var source = evt.detail && evt.detail.source;
    if (!source || source.panelWatched) return;
    source.panelWatched = true;
    source.addEventListener("unavailable", function (message) {
      unavailableUntil = Date.now() + 10000;
      liveNote();
      var note = document.getElementById("live-unavailable");
      if (note) note.textContent = message.data;
    });
  }

  var beating = new Map();  // EventSource -> {elt, every (ms), last (Date.now())}
  function watchBeats(evt) {
    var source = evt.detail && evt.detail.source;
    if (!source) return;
    if (beating.has(source)) {  // the browser reconnected it: silence counts from now
      beating.get(source).last = Date.now();
      return;
    }
    var entry = {elt: evt.target, every: 0, last: Date.now()};
    beating.set(source, entry);
    source.addEventListener("beat", function (message) {
      entry.every = 1000 * parseFloat(message.data) || entry.every;
      entry.last = Date.now();
    });
  }
  function reopenSilent() {
    var now = Date.now();
    beating.forEach(function (entry, source) {
      if (source.readyState === EventSource.CLOSED) { beating.delete(source); return; }
      // Only an open stream is judged: one the browser is reconnecting is not silent.
      if (source.readyState !== EventSource.OPEN) return;
      if (!entry.every || now - entry.last < 3 * entry.every) return;
      beating.delete(source);
      source.close();
      var elt = entry.elt;
      if (!window.htmx || !document.body.contains(elt)) return;
      // A copy of the element, processed afresh, opens a new stream whose first event is
      // the present state (htmx keeps its state on the element, not in the markup).
      var fresh = elt.cloneNode(true);
      elt.replaceWith(fresh);
      window.htmx.process(fresh);
    });
  }

  window.setInterval(liveNote, 2000);
  window.setInterval(reopenSilent, 1000);
  document.addEventListener("htmx:sseOpen", watchBeats);
  document.addEventListener("htmx:sseOpen", watchUnavailable);
  window.setInterval(tick, 1000);
  document.addEventListener("htmx:sseError", streamLost);
  document.addEventListener("htmx:sseOpen", streamBack);
  document.addEventListener("htmx:sseError", streamFailed);
  document.addEventListener("DOMContentLoaded", announce);
  document.addEventListener("htmx:afterSettle", announce);
})();
