/* Course Q&A, live (issue 24; no framework). The Q&A panel works without this script: its forms
   post and come back. With it, new questions and answers appear as they are published.

   The panel (section[data-qa-live]) says where to ask for the feed's ticket (data-qa-live: web
   answers {url, token} — the WebSocket's address, messaging's /ws through the api-gateway, and
   the session's access token, which the page cannot read from its HttpOnly cookie) and the last
   place the page shows (data-after). The socket speaks messaging's protocol edu.qa.v1: the
   token rides in Sec-WebSocket-Protocol, the server sends {type: "post", post} for every
   visible post after `after` in order, the script acks each place (cumulative) and goes on
   from the last one it kept when it reconnects (growing pauses, a fresh ticket each time: an
   expired token closes with 4001 and web renews it). A post already on the page (the
   visitor's own, awaiting review until now) loses its "awaiting review" note; others are
   added with textContent only, never as markup, and announced in the panel's polite live
   region. Without a session (web answers 401) it stops. */
(function () {
  "use strict";
  var panel = document.querySelector("[data-qa-live]");
  if (!panel || !window.WebSocket || !window.fetch) return;

  var PROTOCOL = "edu.qa.v1";
  var FIRST_PAUSE_MS = 1000;
  var MAX_PAUSE_MS = 30000;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var data = panel.dataset;
  var after = parseInt(data.after, 10) || 0;
  var pause = FIRST_PAUSE_MS;
  var stopped = false;

  function connect() {
    window
      .fetch(data.qaLive, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          stopped = true; // signed out: the page's forms lead to log-in
          return null;
        }
        if (!response.ok) throw new Error("ticket " + response.status);
        return response.json();
      })
      .then(function (ticket) {
        if (ticket) open(ticket);
      })
      .catch(retry);
  }

  function open(ticket) {
    var socket = new window.WebSocket(ticket.url + "&after=" + after, [
      PROTOCOL,
      "access_token." + ticket.token,
    ]);
    socket.onmessage = function (event) {
      receive(socket, event.data);
    };
    socket.onclose = retry;
  }

  function retry() {
    if (stopped) return;
    window.setTimeout(connect, pause);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }

  function receive(socket, text) {
    var message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (message.type === "welcome") {
      pause = FIRST_PAUSE_MS; // connected: the next drop starts the pauses again
      return;
    }
    if (message.type !== "post" || !message.post) return;
    var post = message.post;
    if (typeof post.seq !== "number" || post.seq <= after) return; // seen already
    show(post);
    after = post.seq;
    socket.send(JSON.stringify({ type: "ack", seq: after }));
  }

  function show(post) {
    var known = document.getElementById("qa-post-" + post.id);
    if (known) {
      // The visitor's own post, approved: it is published now.
      var note = known.querySelector("[data-qa-status]");
      if (note) note.remove();
      known.className = "qa-post qa-" + post.kind;
      known.setAttribute("data-seq", String(post.seq));
      announce((post.kind === "question" ? "Your question" : "Your answer") + " is published.");
      return;
    }
    var article = postElement(post);
    if (post.kind === "question") {
      threadFor(post.id, article);
    } else if (post.question_id) {
      var item = element("li");
      item.appendChild(article);
      threadFor(post.question_id, null).querySelector("[data-qa-answers]").appendChild(item);
    } else {
      return;
    }
    var verb = post.kind === "question" ? " asked: " : " answered: ";
    announce(author(post) + verb + excerpt(post.body));
  }

  /** The thread of a question, made (at the end of the list) when the page has none yet. */
  function threadFor(questionId, question) {
    var thread = document.getElementById("qa-thread-" + questionId);
    if (thread) return thread;
    var list = panel.querySelector("[data-qa-threads]");
    var empty = list.querySelector("[data-qa-empty]");
    if (empty) empty.remove();
    thread = element("li", "qa-thread");
    thread.id = "qa-thread-" + questionId;
    thread.setAttribute("data-question", questionId);
    if (question) {
      thread.appendChild(question);
    } else {
      thread.appendChild(element("p", "meta", "Answers to an earlier question"));
    }
    var answers = element("ol", "qa-answers");
    answers.setAttribute("data-qa-answers", "");
    answers.setAttribute("aria-label", "Answers");
    thread.appendChild(answers);
    if (question && data.viewer && data.viewer === data.teacherId) {
      thread.appendChild(answerForm(questionId));
    }
    list.appendChild(thread);
    return thread;
  }

  function postElement(post) {
    var article = element("article", "qa-post qa-" + post.kind);
    article.id = "qa-post-" + post.id;
    article.setAttribute("data-seq", String(post.seq));
    var meta = element("p", "meta");
    meta.appendChild(element("span", "qa-author", author(post)));
    meta.appendChild(element("span", null, " · "));
    var time = element("time", null, when(post.created_at));
    time.setAttribute("datetime", post.created_at);
    meta.appendChild(time);
    article.appendChild(meta);
    article.appendChild(element("p", "qa-body", post.body));
    return article;
  }

  /** The teacher's answer form, as the page renders it (a plain form that posts). */
  function answerForm(questionId) {
    var form = element("form", "qa-answer-form");
    form.setAttribute("method", "post");
    form.setAttribute("action", "/courses/" + data.course + "/qa/questions/" + questionId + "/answers");
    form.setAttribute("novalidate", "");
    form.appendChild(hidden("csrf_token", data.csrf));
    form.appendChild(hidden("back", data.back));
    var field = element("div", "field");
    var id = "answer-" + questionId;
    var label = element("label", null, "Your answer");
    label.setAttribute("for", id);
    var box = element("textarea");
    box.id = id;
    box.setAttribute("name", "text");
    box.setAttribute("rows", "3");
    box.setAttribute("maxlength", "10000");
    box.setAttribute("required", "");
    field.appendChild(label);
    field.appendChild(box);
    form.appendChild(field);
    var button = element("button", null, "Answer");
    button.setAttribute("type", "submit");
    form.appendChild(button);
    return form;
  }

  function hidden(name, value) {
    var input = element("input");
    input.setAttribute("type", "hidden");
    input.setAttribute("name", name);
    input.setAttribute("value", value || "");
    return input;
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function author(post) {
    if (data.viewer && post.author_id === data.viewer) return "You";
    return post.author_id === data.teacherId ? "Teacher" : "A student";
  }

  /** As the page writes it: 5 Dec 2026, 09:03 (UTC, like the server's). */
  function when(text) {
    var at = new Date(text);
    if (isNaN(at.getTime())) return text;
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return (
      at.getUTCDate() + " " + MONTHS[at.getUTCMonth()] + " " + at.getUTCFullYear() + ", " +
      pad(at.getUTCHours()) + ":" + pad(at.getUTCMinutes())
    );
  }

  function excerpt(body) {
    return body.length > 140 ? body.slice(0, 139) + "…" : body;
  }

  function announce(text) {
    var region = panel.querySelector("[data-qa-announcer]");
    if (region) region.textContent = text;
  }

  connect();
})();
