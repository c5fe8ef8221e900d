// Unit tests of the lesson video upload script (static/video-upload.js, issue 25), run by
// `node --test` (the `web-js` layer). The script runs in a vm context with hand-written fakes:
// the edit page's form and its progress/error elements, localStorage (shared between two
// "page loads" to stand for a reload), timers (pauses recorded, run at once) and fetch, which
// answers as web's upload calls do over an in-memory video-processor: offsets checked (409),
// each chunk's Chunk-SHA256 checked against its bytes (422), the whole file's SHA-256 checked
// on complete. Checksums are computed by node's own WebCrypto, as the browser's would be.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const SCRIPT = readFileSync(new URL("../../src/edu/web/static/video-upload.js", import.meta.url), "utf8");
const BASE = "/teach/courses/c1/lessons/l1/video/uploads";
const CHUNK = 1000;

const sha = (bytes) => createHash("sha256").update(bytes).digest("hex");

function clip(size, seed = 7) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed) % 251;
  return bytes;
}

function fileOf(bytes, name = "bars.mp4", type = "video/mp4") {
  return new File([bytes], name, { type });
}

/** video-processor behind web's upload calls, in memory. `faults` are consulted per request. */
class Server {
  constructor({ types = ["video/mp4"], maxBytes = 1e9 } = {}) {
    this.videos = new Map();
    this.requests = [];
    this.faults = [];
    this.types = types;
    this.maxBytes = maxBytes;
    this.count = 0;
  }

  puts() {
    return this.requests.filter((r) => r.method === "PUT").map((r) => r.offset);
  }

  async fetch(url, options) {
    const method = options.method;
    const path = url.split("?")[0];
    const offset = url.includes("offset=") ? Number(url.split("offset=")[1]) : undefined;
    const request = { method, path, offset, headers: options.headers, body: options.body };
    this.requests.push(request);
    assert.equal(options.credentials, "same-origin");
    if (method !== "GET") assert.equal(options.headers["X-CSRF-Token"], "csrf-1");
    for (const fault of this.faults) {
      const acted = fault(request, this);
      if (acted === "drop") throw new TypeError("Failed to fetch");
      if (acted) return acted;
    }
    return this.answer(request);
  }

  reply(status, body) {
    return { ok: status < 400, status, json: async () => body };
  }

  problem(status, detail) {
    return this.reply(status, { status, title: "Refused", detail });
  }

  state(video) {
    return { id: video.id, status: video.status, size_bytes: video.size, received_bytes: video.bytes.length };
  }

  answer({ method, path, offset, headers, body }) {
    if (method === "POST" && path === BASE) {
      const declared = JSON.parse(body);
      if (!this.types.includes(declared.content_type)) {
        return this.problem(415, `${declared.content_type} is not a video type this site takes.`);
      }
      if (declared.size_bytes > this.maxBytes) return this.problem(413, "At most 2 GiB.");
      this.count += 1;
      const video = { id: `v${this.count}`, status: "uploading", size: declared.size_bytes, sha256: declared.sha256, bytes: new Uint8Array(0) };
      this.videos.set(video.id, video);
      return this.reply(201, this.state(video));
    }
    const [, id, action] = path.slice(BASE.length).split("/");
    const video = this.videos.get(id);
    if (!video) return this.problem(404, "No such upload for this lesson.");
    if (method === "GET" && !action) return this.reply(200, this.state(video));
    if (method === "PUT" && action === "content") return this.chunk(video, offset, headers, body);
    if (method === "POST" && action === "complete") {
      if (video.bytes.length !== video.size) return this.problem(409, "Not every byte has arrived.");
      if (sha(video.bytes) !== video.sha256) return this.problem(422, "The file does not match its SHA-256.");
      video.status = "processing";
      return this.reply(200, { ...this.state(video), location: "/teach/courses/c1/lessons/l1" });
    }
    throw new Error(`unexpected ${method} ${path}`);
  }

  chunk(video, offset, headers, body) {
    const bytes = new Uint8Array(body);
    if (offset !== video.bytes.length) {
      return this.problem(409, `The next chunk starts at byte ${video.bytes.length}, not ${offset}.`);
    }
    if (headers["Chunk-SHA256"] !== sha(bytes)) return this.problem(422, "The chunk does not match its SHA-256.");
    const joined = new Uint8Array(video.bytes.length + bytes.length);
    joined.set(video.bytes);
    joined.set(bytes, video.bytes.length);
    video.bytes = joined;
    return this.reply(200, this.state(video));
  }
}

function element(id) {
  return { id, hidden: true, textContent: "", value: 0, max: 1, disabled: false };
}

/** The edit page loaded once: the script run against `server` and `storage`. */
function load(server, storage, { chunk = CHUNK, retries, file = null } = {}) {
  const elements = Object.fromEntries(
    ["video-upload-progress", "video-upload-bar", "video-upload-text", "video-upload-error"].map((id) => [id, element(id)]),
  );
  const input = { files: file ? [file] : [] };
  elements.video = input;
  const button = element("button");
  const listeners = {};
  const dataset = { uploads: BASE, csrf: "csrf-1", chunkBytes: String(chunk) };
  if (retries !== undefined) dataset.retries = String(retries);
  const form = {
    dataset,
    addEventListener: (type, listener) => { listeners[type] = listener; },
    querySelector: (selector) => (selector === "button" ? button : null),
  };
  const pauses = [];
  const assigned = [];
  const window = {
    fetch: (url, options) => server.fetch(url, options),
    crypto: webcrypto,
    localStorage: storage,
    setTimeout: (callback, ms) => { pauses.push(ms); setImmediate(callback); },
    location: { assign: (url) => assigned.push(url) },
  };
  const document = {
    querySelector: (selector) => (selector === "[data-video-upload]" ? form : null),
    getElementById: (id) => elements[id] || null,
  };
  const context = { window, document, crypto: webcrypto, fetch: window.fetch, localStorage: storage,
    Promise, Uint8Array, JSON, Math, Array, parseInt };
  window.document = document;
  vm.runInNewContext(SCRIPT, context);
  return {
    input, button, pauses, assigned, elements,
    error: elements["video-upload-error"],
    bar: elements["video-upload-bar"],
    text: elements["video-upload-text"],
    /** Presses Upload video and waits until the script is done with it. */
    async submit(chosen) {
      if (chosen) input.files = [chosen];
      let prevented = false;
      listeners.submit({ preventDefault: () => { prevented = true; } });
      if (!prevented) return false;
      await settle(() => !button.disabled);
      return true;
    },
  };
}

/**
 * Waits until done() holds. The script hashes with WebCrypto, whose digests finish on libuv's
 * thread pool, not in a fixed number of event-loop turns: a busy machine needs more turns, so
 * the wait is bounded by a generous deadline (a hung script), never by a count of turns.
 */
async function settle(done) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done()) return;
  }
  throw new Error("the script did not finish within 10 s");
}

class Storage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
}

function uploaded(server) {
  const [video] = [...server.videos.values()].filter((v) => v.status === "processing");
  return video;
}

test("sends the file in chunks at consecutive offsets, each with its own SHA-256, then completes", async () => {
  const server = new Server();
  const storage = new Storage();
  const bytes = clip(3500);
  const page = load(server, storage);
  assert.equal(await page.submit(fileOf(bytes)), true);
  const [declared] = server.requests;
  assert.deepEqual(JSON.parse(declared.body), { size_bytes: 3500, content_type: "video/mp4", sha256: sha(bytes) });
  assert.deepEqual(server.puts(), [0, 1000, 2000, 3000]);
  for (const put of server.requests.filter((r) => r.method === "PUT")) {
    assert.equal(put.headers["Chunk-SHA256"], sha(new Uint8Array(put.body)));
    assert.ok(put.body.byteLength <= CHUNK);
  }
  assert.deepEqual(uploaded(server).bytes, bytes);
  assert.deepEqual(page.assigned, ["/teach/courses/c1/lessons/l1"]);
  assert.equal(storage.items.size, 0, "a finished upload is forgotten");
  assert.equal(page.bar.value, 3500);
  assert.match(page.text.textContent, /100 %/);
  assert.equal(page.error.hidden, true);
});

test("a chunk request that gets no answer: asks where the upload stands and goes on from there", async () => {
  const server = new Server();
  let dropped = false;
  server.faults.push((request) => {
    if (request.method === "PUT" && request.offset === 2000 && !dropped) {
      dropped = true;
      return "drop";
    }
    return null;
  });
  const bytes = clip(4200);
  const page = load(server, new Storage());
  await page.submit(fileOf(bytes));
  assert.deepEqual(server.puts(), [0, 1000, 2000, 2000, 3000, 4000]);
  const asked = server.requests.findIndex((r) => r.method === "GET");
  assert.ok(asked > 0 && server.requests[asked - 1].offset === 2000, "asked after the dropped chunk");
  assert.deepEqual(page.pauses, [1000]);
  assert.deepEqual(uploaded(server).bytes, bytes);
  assert.equal(page.assigned.length, 1);
});

test("a chunk that arrived but whose answer was lost is not sent again: the next one follows", async () => {
  const server = new Server();
  let lost = false;
  server.faults.push((request, srv) => {
    if (request.method === "PUT" && request.offset === 1000 && !lost) {
      lost = true;
      srv.answer(request); // stored, but the answer never reaches the browser
      return "drop";
    }
    return null;
  });
  const bytes = clip(3000);
  const page = load(server, new Storage());
  await page.submit(fileOf(bytes));
  assert.deepEqual(server.puts(), [0, 1000, 2000]);
  assert.deepEqual(uploaded(server).bytes, bytes);
});

test("a 409 (the upload stands elsewhere) and a damaged chunk (422) are followed from the upload's state", async () => {
  const server = new Server();
  let conflicted = false;
  let damaged = false;
  server.faults.push((request, srv) => {
    if (request.method === "PUT" && request.offset === 1000 && !conflicted) {
      conflicted = true;
      return srv.problem(409, "The next chunk starts at byte 1000, not 1000.");
    }
    if (request.method === "PUT" && request.offset === 2000 && !damaged) {
      damaged = true;
      return srv.problem(422, "The chunk at byte 2000 does not match its SHA-256; send it again.");
    }
    return null;
  });
  const bytes = clip(2500);
  const page = load(server, new Storage());
  await page.submit(fileOf(bytes));
  assert.deepEqual(server.puts(), [0, 1000, 1000, 2000, 2000]);
  assert.deepEqual(uploaded(server).bytes, bytes);
  assert.equal(page.error.hidden, true);
});

test("after a reload the same file resumes where the upload stopped, without declaring it again", async () => {
  const server = new Server();
  const storage = new Storage();
  let down = false;
  server.faults.push((request) => {
    if (request.method === "PUT" && request.offset === 2000) down = true; // the network drops
    return down && request.method === "PUT" ? "drop" : null;
  });
  const bytes = clip(5500);
  const first = load(server, storage, { retries: 3 });
  await first.submit(fileOf(bytes));
  assert.deepEqual(first.assigned, []);
  assert.match(first.error.textContent, /interrupted at 2 KB of 5 KB/);
  assert.deepEqual(first.pauses, [1000, 2000, 4000], "pauses double between attempts");
  assert.equal(first.bar.value, 2000);
  assert.match(first.text.textContent, /^Stopped: 2 KB of 5 KB \(36 %\)$/);
  const stored = server.videos.get("v1");
  assert.equal(stored.bytes.length, 2000);
  assert.equal(storage.items.size, 1, "the upload's id outlives the page");

  down = false;
  server.faults.length = 0;
  const before = server.requests.length;
  const second = load(server, storage);
  await settle(() => !second.error.hidden);
  assert.match(second.error.textContent, /stopped before it finished/);
  assert.equal(second.bar.value, 2000);
  assert.equal(second.bar.max, 5500);
  await second.submit(fileOf(bytes));
  const after = server.requests.slice(before);
  assert.equal(after.filter((r) => r.method === "POST" && r.path === BASE).length, 0, "not declared again");
  assert.deepEqual(after.filter((r) => r.method === "PUT").map((r) => r.offset), [2000, 3000, 4000, 5000]);
  assert.deepEqual(uploaded(server).bytes, bytes);
  assert.deepEqual(second.assigned, ["/teach/courses/c1/lessons/l1"]);
  assert.equal(storage.items.size, 0);
});

test("another file after a reload is a new upload, never bytes appended to the old one", async () => {
  const server = new Server();
  const storage = new Storage();
  server.faults.push((request) => (request.method === "PUT" && request.offset >= 1000 ? "drop" : null));
  await load(server, storage, { retries: 0 }).submit(fileOf(clip(3000, 1)));
  server.faults.length = 0;
  const other = clip(3000, 2);
  const page = load(server, storage);
  await page.submit(fileOf(other));
  assert.equal(server.videos.size, 2);
  assert.deepEqual(server.videos.get("v2").bytes, other);
  assert.equal(server.videos.get("v1").bytes.length, 1000);
});

test("a refused file shows the service's reason and sends no byte", async () => {
  const server = new Server();
  const storage = new Storage();
  const page = load(server, storage);
  await page.submit(fileOf(clip(100), "notes.txt", "text/plain"));
  assert.equal(page.error.hidden, false);
  assert.equal(page.error.textContent, "text/plain is not a video type this site takes.");
  assert.deepEqual(server.puts(), []);
  assert.equal(storage.items.size, 0);
  assert.deepEqual(page.assigned, []);
  assert.equal(page.button.disabled, false, "the form can be used again");
  assert.equal(page.elements["video-upload-progress"].hidden, true, "no progress for a refused file");

  const large = new Server({ maxBytes: 50 });
  const again = load(large, new Storage());
  await again.submit(fileOf(clip(100)));
  assert.equal(again.error.textContent, "At most 2 GiB.");
});

test("without a chosen file the form posts as it does without the script", async () => {
  const server = new Server();
  const page = load(server, new Storage());
  assert.equal(await page.submit(null), false);
  assert.deepEqual(server.requests, []);
});
