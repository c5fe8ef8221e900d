/* Learning events from the lesson and catalogue pages (ADR 0008 decision 12; no framework).

   The page says what to record in #learning-events's data attributes: data-course and
   data-lesson on a lesson, data-search-query and data-search-results on a catalogue search.
   On a lesson: lesson.opened on load; lesson.heartbeat every 15 s while the page is visible
   (position: seconds of the video when the lesson has one, else seconds on the page);
   lesson.finished once, when the end of the lesson is scrolled into view, its video ends or
   Mark complete is pressed; video.played / paused / seeked from the lesson's video.

   Events wait in sessionStorage (a reload or the next page of this tab sends them) and go to
   POST /learning-events in batches: every 10 s, and at once when the page is hidden or left
   (fetch with keepalive, which outlives the page). web adds the user from the session. A
   batch that fails for a reason that may pass (no answer, 429, 5xx) is kept and sent again
   with the same event ids after a growing pause (ingestion stores an id once); one refused
   for good (4xx) is dropped, as are all events once web says the visitor is signed out. */
(function () {
  "use strict";
  var config = document.getElementById("learning-events");
  if (!config || !window.fetch || !window.sessionStorage) return;

  var STORE = "edu.learning-events";
  var HEARTBEAT_MS = 15000;
  var FLUSH_MS = 10000;
  var MAX_BATCH = 50; // well under the 64 KiB a keepalive request may carry
  var MAX_KEPT = 500; // a tab offline for long keeps the newest events only
  var MAX_BACKOFF_MS = 5 * 60 * 1000;
  var data = config.dataset;
  var endpoint = data.endpoint || "/learning-events";
  var sessionId = uuid();

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(STORE) || "{}");
      return { events: kept.events || [], attempts: kept.attempts || 0, notBefore: kept.notBefore || 0 };
    } catch (e) {
      return { events: [], attempts: 0, notBefore: 0 };
    }
  }

  function save(state) {
    try {
      sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (e) { /* storage full or refused: the events stay in memory for this page */ }
  }

  var state = load();
  var sending = false; // one batch in flight at a time (a page being left sends regardless)

  function record(type, payload, courseId) {
    var event = { id: uuid(), type: type, occurred_at: new Date().toISOString(), session_id: sessionId };
    if (courseId) event.course_id = courseId;
    event[type.replace(".", "_")] = payload;
    state.events.push(event);
    if (state.events.length > MAX_KEPT) state.events.splice(0, state.events.length - MAX_KEPT);
    save(state);
  }

  function send(leaving) {
    state = load();
    if (!state.events.length) return;
    if (!leaving && (sending || Date.now() < state.notBefore)) return;
    var batch = state.events.slice(0, MAX_BATCH);
    var body = JSON.stringify({ csrf_token: data.csrf, events: batch });
    var ids = {};
    batch.forEach(function (e) { ids[e.id] = true; });
    var request = fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body,
      credentials: "same-origin",
      keepalive: true,
    });
    if (leaving) return; // the page is going: a later page of this tab sends what is left
    sending = true;
    request.then(function (answer) {
      sending = false;
      if (answer.status === 202 || (answer.status >= 400 && answer.status < 500 && answer.status !== 429)) {
        // Stored, or refused for good (a stale page, a malformed event): either way done.
        var forget = answer.status === 401;
        settle(function (e) { return !forget && !ids[e.id]; }, 0);
        if (answer.status === 202 && state.events.length) send(false);
      } else {
        retryLater(Number(answer.headers.get("Retry-After")) || 0);
      }
    }, function () {
      sending = false;
      retryLater(0);
    });
  }

  function settle(keep, attempts) {
    state = load();
    state.events = state.events.filter(keep);
    state.attempts = attempts;
    state.notBefore = 0;
    save(state);
  }

  function retryLater(retryAfterSeconds) {
    state = load();
    state.attempts += 1;
    var backoff = Math.min(MAX_BACKOFF_MS, 2000 * Math.pow(2, state.attempts - 1));
    var wait = Math.max(retryAfterSeconds * 1000, backoff * (0.5 + Math.random() / 2));
    state.notBefore = Date.now() + wait;
    save(state);
  }

  setInterval(function () { send(false); }, FLUSH_MS);
  var beforeLeaving = []; // what to record before the last send of a hidden or left page
  function leave() {
    beforeLeaving.forEach(function (hook) { hook(); });
    send(true);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });
  window.addEventListener("pagehide", leave);

  if (data.searchQuery !== undefined) {
    record("search.performed", { query: data.searchQuery, results: Number(data.searchResults) || 0 }, null);
  }

  var courseId = data.course;
  var lessonId = data.lesson;
  if (!courseId || !lessonId) {
    send(false);
    return;
  }

  var video = document.querySelector("video[data-lesson-video]");
  var visibleMs = 0;
  var sinceHeartbeatMs = 0;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var finished = false;

  function tally() {
    if (visibleSince !== null) {
      var now = Date.now();
      visibleMs += now - visibleSince;
      sinceHeartbeatMs += now - visibleSince;
      visibleSince = now;
    }
  }

  function seconds(value) {
    return isFinite(value) && value > 0 ? Math.floor(value) : 0;
  }

  function heartbeat() {
    tally();
    var active = Math.round(sinceHeartbeatMs / 1000);
    sinceHeartbeatMs = 0;
    var position = video ? seconds(video.currentTime) : Math.round(visibleMs / 1000);
    var duration = video ? seconds(video.duration) : 0;
    record("lesson.heartbeat", { lesson_id: lessonId, position_seconds: position, duration_seconds: duration, active_seconds: active }, courseId);
  }

  function finish() {
    if (finished) return;
    finished = true;
    tally();
    record("lesson.finished", { lesson_id: lessonId, active_seconds: Math.round(visibleMs / 1000) }, courseId);
  }

  record("lesson.opened", { lesson_id: lessonId }, courseId);
  // Hiding or leaving the page reports where the student got to, however short the visit.
  beforeLeaving.push(function () {
    if (visibleSince !== null || sinceHeartbeatMs > 0) heartbeat();
  });
  setInterval(function () { if (document.visibilityState === "visible") heartbeat(); }, HEARTBEAT_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      visibleSince = Date.now();
    } else {
      tally();
      visibleSince = null;
    }
  });

  // The end of the lesson reached by scrolling (a lesson that fits the window is finished by
  // Mark complete or its video, not merely by being opened).
  var body = document.querySelector(".lesson-body");
  window.addEventListener("scroll", function () {
    if (body && body.getBoundingClientRect().bottom <= window.innerHeight) finish();
  }, { passive: true });
  var complete = document.querySelector("form[data-complete-lesson]");
  if (complete) complete.addEventListener("submit", finish);

  if (video) {
    var lastTime = 0;
    video.addEventListener("timeupdate", function () { if (!video.seeking) lastTime = video.currentTime; });
    video.addEventListener("play", function () {
      record("video.played", { lesson_id: lessonId, position_seconds: seconds(video.currentTime) }, courseId);
    });
    video.addEventListener("pause", function () {
      if (!video.ended) record("video.paused", { lesson_id: lessonId, position_seconds: seconds(video.currentTime) }, courseId);
    });
    video.addEventListener("seeked", function () {
      record("video.seeked", { lesson_id: lessonId, from_seconds: seconds(lastTime), to_seconds: seconds(video.currentTime) }, courseId);
      lastTime = video.currentTime;
    });
    video.addEventListener("ended", finish);
  }
  send(false);
})();
