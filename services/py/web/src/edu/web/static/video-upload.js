/* A lesson video's upload from the teacher's browser (issue 25; no framework).

   The lesson's edit page has a plain multipart form that works without this script (web relays
   the whole file). With it, the browser sends the file itself, through web's JSON calls under
   the form's data-uploads (same origin: the session cookie and the page's CSRF token; web adds
   the teacher's access token, which this page never sees):

   1. the whole file's SHA-256 (crypto.subtle) and POST data-uploads {size_bytes, content_type,
      sha256}: video-processor refuses a file too large (413) or not a video (415) here, and the
      problem's detail is said under the file field;
   2. PUT data-uploads/<id>/content?offset=N, one chunk (data-chunk-bytes, 1 MiB) at a time,
      each with its own Chunk-SHA256; the answer's received_bytes is where the next one starts;
   3. POST data-uploads/<id>/complete (video-processor checks the whole file's SHA-256), then
      the edit page again, which says the video is being prepared.

   Resuming: the upload's id is kept in localStorage under the form's data-uploads (with the
   file's SHA-256 and size), so it outlives a dropped request, a reload or a closed tab. A
   chunk that gets no answer (or 5xx, 429) is not sent blindly again: after a pause (1 s,
   doubling) the script asks where the upload stands (GET data-uploads/<id>) and goes on from
   received_bytes; so does a 409 (the upload stands elsewhere) and a 422 (the chunk arrived
   damaged). After data-retries failures in a row it stops and says how far it got; pressing
   Upload video again (after a reload: with the same file chosen) continues from there. */
(function () {
  "use strict";
  var form = document.querySelector("[data-video-upload]");
  if (!form || !window.fetch || !window.crypto || !crypto.subtle || !window.localStorage) return;

  var data = form.dataset;
  var base = data.uploads;
  var storeKey = "edu.video-upload:" + base;
  var input = document.getElementById(data.input || "video");
  var box = document.getElementById("video-upload-progress");
  var bar = document.getElementById("video-upload-bar");
  var said = document.getElementById("video-upload-text");
  var error = document.getElementById("video-upload-error");
  var button = form.querySelector("button");
  var busy = false;

  function settings() {
    return {
      chunk: Math.max(1, parseInt(data.chunkBytes, 10) || 1048576),
      retries: Math.max(0, parseInt(data.retries, 10) || 5),
      pause: Math.max(0, parseInt(data.retryMs, 10) || 1000),
    };
  }

  function remembered() {
    try {
      var kept = JSON.parse(localStorage.getItem(storeKey) || "null");
      return kept && typeof kept.id === "string" ? kept : null;
    } catch (e) {
      return null;
    }
  }

  function remember(kept) {
    try {
      localStorage.setItem(storeKey, JSON.stringify(kept));
    } catch (e) { /* storage refused: this upload still resumes while the page is open */ }
  }

  function forget() {
    try {
      localStorage.removeItem(storeKey);
    } catch (e) { /* nothing kept */ }
  }

  function megabytes(bytes) {
    if (bytes < 1048576) return Math.round(bytes / 1024) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function progress(received, size, words) {
    box.hidden = false;
    bar.max = size || 1;
    bar.value = received;
    var percent = size ? Math.floor((received * 100) / size) : 0;
    said.textContent = (words || "Uploading") + ": " + megabytes(received) + " of " +
      megabytes(size) + " (" + percent + " %)";
  }

  function complain(message) {
    error.textContent = message;
    error.hidden = false;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function sha256(buffer) {
    return crypto.subtle.digest("SHA-256", buffer).then(hex);
  }

  function wait(ms) {
    return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
  }

  /* A call to web. Resolves with the JSON answer; rejects with {retry: true} when it may pass
     (no answer, 5xx, 429), else with {status, detail} from the problem+json. */
  function call(method, url, body, headers) {
    var all = { Accept: "application/json", "X-CSRF-Token": data.csrf };
    for (var name in headers || {}) all[name] = headers[name];
    return fetch(url, { method: method, headers: all, body: body, credentials: "same-origin" })
      .then(function (answer) {
        return answer.json().catch(function () { return {}; }).then(function (json) {
          if (answer.ok) return json;
          var retry = answer.status >= 500 || answer.status === 429;
          throw { status: answer.status, detail: json.detail || json.title || "", retry: retry };
        });
      }, function () {
        throw { status: 0, detail: "", retry: true };
      });
  }

  function interrupted(received, size) {
    return {
      stop: true,
      received: received,
      size: size,
      detail: "The upload was interrupted at " + megabytes(received) + " of " + megabytes(size) +
        ". Press Upload video to continue from there (after a reload, choose the same file again).",
    };
  }

  /* Sends the file from where the upload stands to its end; resolves with the bytes received. */
  function sendFrom(file, id, offset, tune) {
    var url = base + "/" + id;
    var failures = 0;

    function again(why) {
      failures += 1;
      if (failures > tune.retries) return Promise.reject(interrupted(offset, file.size));
      var pause = why.status === 409 ? 0 : Math.min(tune.pause * Math.pow(2, failures - 1), 30000);
      return wait(pause)
        .then(function () { return call("GET", url); })
        .then(function (state) {
          if (state.status !== "uploading") return state.received_bytes;
          offset = state.received_bytes;
          return next();
        }, function (problem) {
          if (!problem.retry) throw problem;
          return again(problem);
        });
    }

    function next() {
      progress(offset, file.size);
      if (offset >= file.size) return Promise.resolve(offset);
      var end = Math.min(offset + tune.chunk, file.size);
      var at = offset;
      return file.slice(at, end).arrayBuffer().then(function (bytes) {
        return sha256(bytes).then(function (sum) {
          return call("PUT", url + "/content?offset=" + at, bytes, {
            "Content-Type": "application/octet-stream",
            "Chunk-SHA256": sum,
          });
        });
      }).then(function (state) {
        failures = 0;
        offset = state.received_bytes;
        return next();
      }, function (problem) {
        // 409: the upload stands elsewhere; 422 without fields: the chunk arrived damaged.
        if (problem.retry || problem.status === 409 || problem.status === 422) return again(problem);
        throw problem;
      });
    }

    return next();
  }

  function upload(file) {
    var tune = settings();
    var kept = remembered();
    progress(0, file.size, "Checking the file");
    return file.arrayBuffer().then(sha256).then(function (sum) {
      var same = kept && kept.sha256 === sum && kept.size === file.size;
      var found = same
        ? call("GET", base + "/" + kept.id).catch(function (problem) {
          if (problem.status === 404) return null;
          throw problem;
        })
        : Promise.resolve(null);
      return found.then(function (state) {
        if (state && state.status !== "failed") return state;
        var declared = JSON.stringify({
          size_bytes: file.size,
          content_type: file.type || "application/octet-stream",
          sha256: sum,
        });
        return call("POST", base, declared, { "Content-Type": "application/json" }).then(function (made) {
          remember({ id: made.id, sha256: sum, size: file.size, name: file.name });
          return made;
        });
      });
    }).then(function (state) {
      var sent = state.status === "uploading"
        ? sendFrom(file, state.id, state.received_bytes, tune)
        : Promise.resolve(state.received_bytes);
      return sent.then(function () {
        progress(file.size, file.size, "Finishing");
        return call("POST", base + "/" + state.id + "/complete");
      });
    }).then(function (done) {
      forget();
      window.location.assign(done.location);
    });
  }

  function failed(problem) {
    if (problem && problem.stop) {
      progress(problem.received, problem.size, "Stopped");
      return complain(problem.detail);
    }
    box.hidden = true; // nothing was sent, or nothing more will be: the reason says why
    if (problem && problem.retry) {
      return complain("The upload could not reach the site. Press Upload video to try again.");
    }
    if (problem && problem.status === 422 && /SHA-256/.test(problem.detail)) forget();
    if (problem && (problem.status === 413 || problem.status === 415)) forget();
    complain((problem && problem.detail) || "The upload failed. Press Upload video to try again.");
  }

  form.addEventListener("submit", function (event) {
    var file = input && input.files && input.files[0];
    if (!file) return; // nothing chosen: the form posts and the page says what to choose
    event.preventDefault();
    if (busy) return;
    busy = true;
    if (button) button.disabled = true;
    error.hidden = true;
    error.textContent = "";
    upload(file).catch(failed).then(function () {
      busy = false;
      if (button) button.disabled = false;
    });
  });

  // An upload this browser left unfinished: say how far it got.
  var kept = remembered();
  if (kept) {
    call("GET", base + "/" + kept.id).then(function (state) {
      if (state.status !== "uploading") return;
      progress(state.received_bytes, state.size_bytes, "Stopped");
      complain("The upload of " + kept.name + " stopped before it finished. Choose the same file " +
        "and press Upload video to continue where it stopped.");
    }, function (problem) {
      if (problem.status === 404) forget();
    });
  }
})();
