// Unit tests of the Q&A panel's live feed (static/qa-live.js, issue 24), run by `node --test`
// (the `web-js` layer). The script runs in a vm context with hand-written fakes: a small DOM
// (elements with attributes, children, textContent and `[data-x]` / id lookups), fetch (web's
// ticket), WebSocket (the frames a test sends, what the script sent back) and timers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SCRIPT = readFileSync(new URL("../../src/edu/web/static/qa-live.js", import.meta.url), "utf8");
const COURSE = "c0000000-0000-4000-8000-000000000001";
const TEACHER = "t0000000-0000-4000-8000-000000000002";
const STUDENT = "s0000000-0000-4000-8000-000000000003";
const OTHER = "o0000000-0000-4000-8000-000000000004";

class Element {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.children = [];
    this.parent = null;
    this.text = "";
    this.className = "";
    this.id = "";
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  getAttribute(name) {
    return name in this.attributes ? this.attributes[name] : null;
  }
  appendChild(child) {
    child.parent = this;
    this.children.push(child);
    return child;
  }
  remove() {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }
  set textContent(value) {
    this.text = String(value);
    this.children = [];
  }
  get textContent() {
    return this.text + this.children.map((c) => c.textContent).join("");
  }
  *all() {
    for (const child of this.children) {
      yield child;
      yield* child.all();
    }
  }
  querySelector(selector) {
    const attribute = /^\[([\w-]+)\]$/.exec(selector);
    if (!attribute) throw new Error(`unsupported selector ${selector}`);
    for (const found of this.all()) if (attribute[1] in found.attributes) return found;
    return null;
  }
}

function element(tag, attributes = {}, children = []) {
  const made = new Element(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "id") made.id = value;
    else made.setAttribute(name, value);
  }
  for (const child of children) made.appendChild(child);
  return made;
}

/** A panel as the page renders it: `posts` are [id, seq, kind, status] already shown. */
function page({ viewer = STUDENT, after = 0, shown = [], tickets = [] } = {}) {
  const announcer = element("p", { "data-qa-announcer": "" });
  const list = element("ol", { "data-qa-threads": "" }, [element("li", { "data-qa-empty": "" })]);
  for (const [id, seq, status] of shown) {
    const article = element("article", { id: `qa-post-${id}`, "data-seq": seq ?? "" }, [
      element("p", { "data-qa-status": "" }),
    ]);
    article.className = `qa-post qa-question qa-${status}`;
    list.children = list.children.filter((c) => !("data-qa-empty" in c.attributes));
    list.appendChild(element("li", { id: `qa-thread-${id}`, "data-question": id }, [
      article,
      element("ol", { "data-qa-answers": "" }),
    ]));
  }
  const panel = element("section", {}, [announcer, list]);
  panel.dataset = {
    qaLive: `/courses/${COURSE}/qa/live`,
    after: String(after),
    course: COURSE,
    viewer,
    teacherId: TEACHER,
    csrf: "csrf-1",
    back: `/courses/${COURSE}`,
  };
  const byId = (id) => [...panel.all()].find((e) => e.id === id) || null;
  const document = {
    querySelector: (selector) => (selector === "[data-qa-live]" ? panel : null),
    getElementById: byId,
    createElement: (tag) => new Element(tag),
  };
  const sockets = [];
  const timers = [];
  const fetched = [];
  const queue = [...tickets];
  class FakeSocket {
    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.sent = [];
      sockets.push(this);
    }
    send(text) {
      this.sent.push(JSON.parse(text));
    }
    frame(message) {
      this.onmessage({ data: typeof message === "string" ? message : JSON.stringify(message) });
    }
    close(code) {
      this.onclose({ code });
    }
  }
  const fetch = (url) => {
    fetched.push(url);
    const next = queue.length ? queue.shift() : 200;
    if (next === "network") return Promise.reject(new TypeError("Failed to fetch"));
    return Promise.resolve({
      status: next,
      ok: next === 200,
      json: () => Promise.resolve({ url: `ws://gw.test/ws?course_id=${COURSE}`, token: `tok-${fetched.length}` }),
    });
  };
  const window = {
    fetch,
    WebSocket: FakeSocket,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
  };
  vm.runInContext(SCRIPT, vm.createContext({ window, document, JSON, Math, Date, String, parseInt, isNaN }));
  return { panel, list, announcer, sockets, timers, fetched, byId };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function post(n, { kind = "question", author = OTHER, question = null, body = `post ${n}` } = {}) {
  return {
    type: "post",
    post: {
      id: `p-${n}`, course_id: COURSE, kind, author_id: author, body, status: "visible",
      created_at: "2026-12-05T09:03:00Z", question_id: question, seq: n,
    },
  };
}

test("opens the gateway's WebSocket after the page's last place with the token as a subprotocol", async () => {
  const p = page({ after: 7 });
  await settle();
  assert.deepEqual(p.fetched, [`/courses/${COURSE}/qa/live`]);
  assert.equal(p.sockets.length, 1);
  assert.equal(p.sockets[0].url, `ws://gw.test/ws?course_id=${COURSE}&after=7`);
  assert.deepEqual([...p.sockets[0].protocols], ["edu.qa.v1", "access_token.tok-1"]);
});

test("a new question appears at the end with its text as text, is announced and acked", async () => {
  const p = page();
  await settle();
  const socket = p.sockets[0];
  socket.frame({ type: "welcome", course_id: COURSE, after: 0, window: 100 });
  socket.frame(post(1, { body: "<img src=x onerror=alert(1)>" }));
  const thread = p.byId("qa-thread-p-1");
  assert.ok(thread, "the question's thread was added");
  assert.equal(p.list.querySelector("[data-qa-empty]"), null, "the empty state is gone");
  assert.match(thread.textContent, /A student.*<img src=x onerror=alert\(1\)>/);
  assert.equal(p.announcer.textContent, "A student asked: <img src=x onerror=alert(1)>");
  assert.deepEqual(socket.sent, [{ type: "ack", seq: 1 }]);
});

test("an answer goes under its question, and the teacher's is labelled Teacher", async () => {
  const p = page();
  await settle();
  const socket = p.sockets[0];
  socket.frame(post(1));
  socket.frame(post(2, { kind: "answer", author: TEACHER, question: "p-1", body: "Because." }));
  const answers = p.byId("qa-thread-p-1").querySelector("[data-qa-answers]");
  assert.equal(answers.children.length, 1);
  assert.match(answers.textContent, /^Teacher · 5 Dec 2026, 09:03Because\.$/);
  assert.equal(p.announcer.textContent, "Teacher answered: Because.");
  assert.deepEqual(socket.sent.at(-1), { type: "ack", seq: 2 });
});

test("the teacher gets an answer form under a new question; a student does not", async () => {
  for (const [viewer, forms] of [[TEACHER, 1], [STUDENT, 0]]) {
    const p = page({ viewer });
    await settle();
    p.sockets[0].frame(post(1));
    const thread = p.byId("qa-thread-p-1");
    const found = [...thread.all()].filter((e) => e.tagName === "FORM");
    assert.equal(found.length, forms, viewer);
    if (forms) {
      assert.equal(found[0].getAttribute("action"), `/courses/${COURSE}/qa/questions/p-1/answers`);
      const inputs = [...found[0].all()].filter((e) => e.tagName === "INPUT");
      assert.deepEqual(inputs.map((e) => [e.getAttribute("name"), e.getAttribute("value")]), [
        ["csrf_token", "csrf-1"],
        ["back", `/courses/${COURSE}`],
      ]);
    }
  }
});

test("places at or before the last one kept are not shown twice", async () => {
  const p = page({ after: 3 });
  await settle();
  const socket = p.sockets[0];
  socket.frame(post(3));
  socket.frame(post(4));
  socket.frame(post(4));
  assert.equal(p.byId("qa-thread-p-3"), null);
  assert.equal(p.list.children.filter((c) => c.id === "qa-thread-p-4").length, 1);
  assert.deepEqual(socket.sent, [{ type: "ack", seq: 4 }]);
});

test("the author's own post awaiting review loses its note when it is published", async () => {
  const p = page({ shown: [["p-5", null, "pending"]] });
  await settle();
  p.sockets[0].frame(post(5, { author: STUDENT }));
  const article = p.byId("qa-post-p-5");
  assert.equal(article.querySelector("[data-qa-status]"), null);
  assert.equal(article.className, "qa-post qa-question");
  assert.equal(article.getAttribute("data-seq"), "5");
  assert.equal(p.list.children.length, 1, "not added a second time");
  assert.equal(p.announcer.textContent, "Your question is published.");
});

test("after a drop it reconnects with a fresh ticket from the last place kept, pausing longer each time", async () => {
  const p = page({ tickets: [200, 500, "network", 200] });
  await settle();
  p.sockets[0].frame(post(1));
  p.sockets[0].close(4001);
  assert.deepEqual(p.timers.map((t) => t.ms), [1000]);
  p.timers[0].fn(); // the ticket answers 500
  await settle();
  p.timers[1].fn(); // no answer at all
  await settle();
  assert.deepEqual(p.timers.map((t) => t.ms), [1000, 2000, 4000]);
  p.timers[2].fn();
  await settle();
  assert.equal(p.sockets.length, 2);
  assert.equal(p.sockets[1].url, `ws://gw.test/ws?course_id=${COURSE}&after=1`);
  assert.deepEqual([...p.sockets[1].protocols], ["edu.qa.v1", "access_token.tok-4"]);
  p.sockets[1].frame({ type: "welcome" });
  p.sockets[1].close(1001);
  assert.equal(p.timers.at(-1).ms, 1000, "a welcome starts the pauses again");
});

test("signed out (the ticket is a 401) it stops; junk frames are ignored", async () => {
  const p = page({ tickets: [401] });
  await settle();
  assert.equal(p.sockets.length, 0);
  assert.equal(p.timers.length, 0);
  const q = page();
  await settle();
  q.sockets[0].frame("not json");
  q.sockets[0].frame({ type: "post" });
  q.sockets[0].frame({ type: "post", post: { id: "x", kind: "question", seq: "7" } });
  assert.equal(q.list.children.length, 1); // the empty state only
  assert.deepEqual(q.sockets[0].sent, []);
});
