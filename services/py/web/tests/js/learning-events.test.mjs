// Unit tests of web's learning-events script (static/learning-events.js, ADR 0008 decision 12),
// run by `node --test` (the `web-js` layer). The script runs in a vm context with hand-written
// fakes of what it touches: a clock and its intervals, the document's visibility and events,
// sessionStorage, fetch (answers scripted per test) and a video element. No browser, no npm.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import vm from "node:vm";

const SCRIPT = readFileSync(
  new URL("../../src/edu/web/static/learning-events.js", import.meta.url),
  "utf8",
);
const LESSON = { endpoint: "/learning-events", csrf: "tok", course: "c-1", lesson: "l-1" };

class Target {
  constructor() {
    this.listeners = {};
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  dispatch(type) {
    for (const fn of this.listeners[type] || []) fn({ type });
  }
}

class Video extends Target {
  constructor() {
    super();
    this.currentTime = 0;
    this.duration = 600;
    this.seeking = false;
    this.ended = false;
  }
}

/** A page with the script loaded: `answers` are fetch's answers in order (status numbers or
 *  {status, retryAfter}, or "network" for a failed request); later requests get 202. */
function page({ dataset = LESSON, video = null, answers = [], storage = new Map() } = {}) {
  let now = Date.parse("2026-12-05T10:00:00Z");
  const intervals = [];
  const document = new Target();
  const window = new Target();
  const form = new Target();
  const requests = [];
  const queue = [...answers];
  document.visibilityState = "visible";
  document.getElementById = (id) => (id === "learning-events" ? { dataset } : null);
  document.querySelector = (selector) => {
    if (selector === "video[data-lesson-video]") return video;
    if (selector === "form[data-complete-lesson]") return form;
    if (selector === ".lesson-body") return { getBoundingClientRect: () => ({ bottom: 2000 }) };
    return null;
  };
  class FakeDate extends Date {
    constructor(...args) {
      super(...(args.length ? args : [now]));
    }
    static now() {
      return now;
    }
  }
  const sessionStorage = {
    getItem: (key) => (storage.has(key) ? storage.get(key) : null),
    setItem: (key, value) => storage.set(key, String(value)),
  };
  const fetch = (url, options) => {
    const body = JSON.parse(options.body);
    requests.push({ url, keepalive: options.keepalive, body, ids: body.events.map((e) => e.id) });
    const next = queue.length ? queue.shift() : 202;
    if (next === "network") return Promise.reject(new TypeError("Failed to fetch"));
    const { status, retryAfter } = typeof next === "number" ? { status: next } : next;
    const headers = { get: (name) => (name === "Retry-After" && retryAfter ? String(retryAfter) : null) };
    return Promise.resolve({ status, headers });
  };
  Object.assign(window, { fetch, sessionStorage, crypto: webcrypto, innerHeight: 800 });
  const context = vm.createContext({
    window,
    document,
    sessionStorage,
    fetch,
    crypto: webcrypto,
    Date: FakeDate,
    setInterval: (fn, every) => intervals.push({ fn, every, due: now + every }),
    Uint8Array,
  });
  vm.runInContext(SCRIPT, context);
  // Lets answered fetches run their callbacks (and the sends those start), a few rounds deep.
  const settle = async () => {
    for (let n = 0; n < 5; n += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    requests,
    storage,
    form,
    document,
    window,
    kept: () => JSON.parse(storage.get("edu.learning-events") || "{}").events || [],
    /** Moves the clock on by `ms`, firing every interval that falls due, in time order. */
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = intervals.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
        if (!next) break;
        now = next.due;
        next.due += next.every;
        next.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    async hide() {
      document.visibilityState = "hidden";
      document.dispatch("visibilitychange");
      await settle();
    },
    async show() {
      document.visibilityState = "visible";
      document.dispatch("visibilitychange");
      await settle();
    },
    settle,
  };
}

const types = (events) => events.map((e) => e.type);

test("a lesson page sends lesson.opened at once, with the CSRF token and the lesson", async () => {
  const p = page();
  await p.settle();
  assert.equal(p.requests.length, 1);
  const [request] = p.requests;
  assert.equal(request.url, "/learning-events");
  assert.equal(request.body.csrf_token, "tok");
  assert.deepEqual(types(request.body.events), ["lesson.opened"]);
  const [opened] = request.body.events;
  assert.equal(opened.course_id, "c-1");
  assert.deepEqual(opened.lesson_opened, { lesson_id: "l-1" });
  assert.match(opened.id, /^[0-9a-f-]{36}$/);
  assert.equal(opened.user_id, undefined, "the browser never says who the user is");
  assert.deepEqual(p.kept(), [], "a stored batch is forgotten");
});

test("heartbeats come every 15 s while the page is visible, none while hidden", async () => {
  const p = page();
  await p.advance(50_000); // beats at 15, 30, 45 s; the last goes out with the flush at 50 s
  const beats = p.requests.flatMap((r) => r.body.events).filter((e) => e.type === "lesson.heartbeat");
  assert.deepEqual(
    beats.map((e) => e.lesson_heartbeat.position_seconds),
    [15, 30, 45],
    "without a video the position is the seconds spent on the page",
  );
  assert.ok(beats.every((e) => e.lesson_heartbeat.active_seconds === 15));
  await p.hide();
  const seen = new Set(p.requests.flatMap((r) => r.ids));
  await p.advance(60_000);
  const later = p.requests.flatMap((r) => r.body.events).filter((e) => !seen.has(e.id));
  assert.deepEqual(later.filter((e) => e.type === "lesson.heartbeat"), [], "no beat while hidden");
});

test("hiding the page records where the student got to and sends it with keepalive", async () => {
  const video = new Video();
  const p = page({ video });
  await p.settle();
  video.currentTime = 73.6;
  await p.advance(5_000);
  await p.hide();
  const last = p.requests.at(-1);
  assert.equal(last.keepalive, true);
  const beat = last.body.events.find((e) => e.type === "lesson.heartbeat");
  assert.equal(beat.lesson_heartbeat.position_seconds, 73, "the video's position, whole seconds");
  assert.equal(beat.lesson_heartbeat.duration_seconds, 600);
});

test("a batch refused for a reason that may pass is kept and resent with the same ids later", async () => {
  const p = page({ answers: [{ status: 503, retryAfter: 30 }] });
  await p.settle();
  const first = p.requests[0].ids;
  assert.deepEqual(p.kept().map((e) => e.id), first, "kept after the 503");
  await p.advance(20_000); // a flush at 10 s and 20 s: too early for Retry-After's 30 s
  assert.equal(p.requests.length, 1);
  await p.advance(10_000); // the flush at 30 s: Retry-After has passed
  assert.ok(p.requests.length >= 2);
  assert.deepEqual(p.requests[1].ids.slice(0, first.length), first, "the same event ids again");
  assert.ok(!p.kept().some((e) => first.includes(e.id)), "forgotten once stored");
});

test("a 429 is a reason that may pass too: the batch is kept", async () => {
  const p = page({ answers: [429] });
  await p.settle();
  assert.deepEqual(p.kept().map((e) => e.id), p.requests[0].ids);
});

test("a network failure backs off, then the events go out", async () => {
  const p = page({ answers: ["network"] });
  await p.settle();
  assert.equal(p.kept().length, 1);
  await p.advance(10_000);
  assert.equal(p.requests.length, 2, "resent at the next flush once the back-off has passed");
  assert.deepEqual(p.kept(), []);
});

test("a batch refused for good is dropped; a 401 drops every waiting event", async () => {
  const p = page({ answers: [400] });
  await p.settle();
  assert.deepEqual(p.kept(), [], "a 400 is not retried");
  const storage = new Map();
  const waiting = Array.from({ length: 60 }, (_, n) => ({ id: `old-${n}`, type: "lesson.opened" }));
  storage.set("edu.learning-events", JSON.stringify({ events: waiting, attempts: 0, notBefore: 0 }));
  const q = page({ answers: [401], storage, video: new Video() });
  q.window.dispatch("scroll"); // no effect: the lesson's end is below the window
  await q.settle();
  assert.equal(q.requests[0].ids.length, 50);
  assert.deepEqual(q.kept(), [], "signed out: the 11 events not in the batch are dropped too");
  await q.advance(30_000);
  const after = q.requests.slice(1).flatMap((r) => r.body.events);
  assert.ok(!after.some((e) => e.type === "lesson.opened"), "the refused opened event never returns");
});

test("waiting events go in batches of at most 50, the next as soon as one is stored", async () => {
  const storage = new Map();
  const waiting = Array.from({ length: 120 }, (_, n) => ({ id: `old-${n}`, type: "lesson.opened" }));
  storage.set("edu.learning-events", JSON.stringify({ events: waiting, attempts: 0, notBefore: 0 }));
  const p = page({ storage });
  await p.settle();
  await p.settle();
  await p.settle();
  const sizes = p.requests.map((r) => r.ids.length);
  assert.deepEqual(sizes.slice(0, 3), [50, 50, 21], "120 kept from the last page + lesson.opened");
  assert.equal(p.requests[0].ids[0], "old-0", "oldest first");
  assert.deepEqual(p.kept(), []);
});

test("a tab offline for long keeps only the newest 500 events", async () => {
  const storage = new Map();
  const waiting = Array.from({ length: 500 }, (_, n) => ({ id: `old-${n}`, type: "lesson.opened" }));
  storage.set(
    "edu.learning-events",
    JSON.stringify({ events: waiting, attempts: 3, notBefore: Date.parse("2027-01-01") }),
  );
  const p = page({ storage });
  await p.settle();
  const kept = p.kept();
  assert.equal(kept.length, 500);
  assert.equal(kept[0].id, "old-1", "the oldest made way");
  assert.equal(kept.at(-1).type, "lesson.opened");
  assert.equal(p.requests.length, 0, "still backing off");
});

test("lesson.finished is recorded once, whether Mark complete or the video's end comes first", async () => {
  const video = new Video();
  const p = page({ video });
  await p.settle();
  p.form.dispatch("submit");
  video.ended = true;
  video.dispatch("ended");
  await p.advance(10_000);
  const finished = p.requests.flatMap((r) => r.body.events).filter((e) => e.type === "lesson.finished");
  assert.equal(finished.length, 1);
  assert.equal(finished[0].lesson_finished.lesson_id, "l-1");
});

test("the video's play, pause and seek are recorded with their positions", async () => {
  const video = new Video();
  const p = page({ video });
  video.currentTime = 12.9;
  video.dispatch("timeupdate");
  video.dispatch("play");
  video.currentTime = 40;
  video.dispatch("seeked");
  video.dispatch("pause");
  await p.advance(10_000);
  const events = p.requests.flatMap((r) => r.body.events);
  assert.deepEqual(types(events).filter((t) => t.startsWith("video.")), [
    "video.played",
    "video.seeked",
    "video.paused",
  ]);
  const seeked = events.find((e) => e.type === "video.seeked").video_seeked;
  assert.deepEqual(seeked, { lesson_id: "l-1", from_seconds: 12, to_seconds: 40 });
});

test("a catalogue search records search.performed and nothing about lessons", async () => {
  const p = page({ dataset: { csrf: "tok", searchQuery: "rust", searchResults: "7" } });
  await p.settle();
  const events = p.requests.flatMap((r) => r.body.events);
  assert.deepEqual(types(events), ["search.performed"]);
  assert.deepEqual(events[0].search_performed, { query: "rust", results: 7 });
  assert.equal(events[0].course_id, undefined);
  await p.advance(60_000);
  assert.equal(p.requests.length, 1, "no heartbeats outside a lesson");
});
