"""Course Q&A in real time (issue 24): listeners hold WebSockets, posters post over HTTP.

A ``QaListener`` holds ``EDU_LOAD_QA_CONNECTIONS`` WebSockets (``GET /ws`` through the gateway,
protocol ``edu.qa.v1`` with the access token as a ``Sec-WebSocket-Protocol`` entry, as web's
``qa-live.js`` opens it), each subscribed to a course of one of the process's Q&A members,
acking every post it receives (cumulative ``ack``) and reconnecting from the last place it kept
(``after``) when the connection closes. A ``QaPoster`` asks a question in one of those courses
every ``EDU_LOAD_QA_POST_EVERY_S`` seconds (and answers its previous one every other time)
through ``POST /qa/...``. Both are fixed counts (``EDU_LOAD_QA_LISTENERS``,
``EDU_LOAD_QA_POSTERS``), spawned before the weighted mix.

The members: ``EDU_LOAD_QA_MEMBERS`` seeded students, logged in once per Locust process, with
the courses they are enrolled in (messaging learnt the enrolments from enrollment's events; the
stack waits for that). Connections are spread over those (student, course) pairs in turn.

What Locust records (request type ``WS``):

- ``WS /ws``: each handshake up to the welcome message (its time); a refused handshake and a
  connection closed by anything but the run's end are failures;
- ``WS qa delivery``: for every post a socket receives live, the post's ``created_at`` (set by
  messaging when it took the POST) to the moment the socket read it — both on this machine's
  clock. It covers the whole way: messaging's outbox relay, moderation's decision and its relay,
  messaging's consumer, NATS core, the hub and the socket. A place received out of order (not
  the one after the last) is a failure;
- ``WS qa fan-out``: for the same posts, the moment a socket read it after the first socket of
  this process read it: the spread one post's fan-out to every subscribed connection adds.

Posts made before a connection was opened and replayed to it from the database are acked, not
timed: their delivery happened before the socket existed.
"""

from __future__ import annotations

import calendar
import itertools
import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

import websocket
from locust import FastHttpUser, constant_pacing, task

from edu.testing import api_calls
from edu.testing.qa import subprotocols, varied_words
from scenarios.accounts import SignedIn
from scenarios.platform import platform, send

DELIVERY = "qa delivery"
FAN_OUT = "qa fan-out"
HANDSHAKE = "/ws"
RECV_TIMEOUT_S = 1.0
RECONNECT_PAUSE_S = 0.5


def setting(name: str, default: float) -> float:
    return float(os.environ.get(f"EDU_LOAD_QA_{name}", default))


def enabled() -> bool:
    """Whether the profile asked for Q&A users (load/profiles.toml ``qa``)."""
    return setting("LISTENERS", 0) > 0 or setting("POSTERS", 0) > 0


def epoch_seconds(rfc3339: str) -> float:
    """``2026-12-06T03:40:00.123456789Z`` (messaging's form: prost's Timestamp, UTC, up to
    nanoseconds) as seconds since the epoch."""
    whole, _, fraction = rfc3339.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S"))
    return seconds + (float(f"0.{fraction}") if fraction else 0.0)


@dataclass(frozen=True)
class Member:
    session: SignedIn
    course_id: str


class Members:
    """The process's Q&A members: built once, by the first user that asks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # Locust's gevent made it cooperative
        self._members: list[Member] = []
        self._turn = itertools.count()
        # course id -> the highest place any connection of this process received
        self.heads: dict[str, int] = {}
        # (course id, place) -> when the first connection of this process received it
        self.first_seen: dict[tuple[str, int], float] = {}

    def all(self, user: FastHttpUser) -> list[Member]:
        with self._lock:
            if not self._members:
                self._members = self._sign_in(user)
        return self._members

    def next(self, user: FastHttpUser) -> Member | None:
        members = self.all(user)
        return members[next(self._turn) % len(members)] if members else None

    def _sign_in(self, user: FastHttpUser) -> list[Member]:
        students = platform().students[: int(setting("MEMBERS", 8))]
        members = []
        for email in students:
            session = SignedIn(user, email)
            response = user.client.get(
                f"{platform().enrollment}/enrollments",
                headers=session.headers(),
                name="/enrollments",
            )
            if response.status_code == 200:
                members += [Member(session, e["course_id"]) for e in response.json()]
        return members


MEMBERS = Members()


def _words() -> str:
    return varied_words()


def _record(user: FastHttpUser, name: str, ms: float, error: Exception | None = None) -> None:
    user.environment.events.request.fire(
        request_type="WS",
        name=name,
        response_time=ms,
        response_length=0,
        exception=error,
        context={},
    )


class QaListener(FastHttpUser):
    """Holds ``EDU_LOAD_QA_CONNECTIONS`` WebSockets for its whole life."""

    fixed_count = int(setting("LISTENERS", 0))
    wait_time = constant_pacing(1)

    def on_start(self) -> None:
        # Threads are greenlets under Locust (gevent's monkey patching), sleeps cooperative.
        self.stopping = threading.Event()
        self.connections: list[threading.Thread] = []
        for _ in range(int(setting("CONNECTIONS", 1))):
            member = MEMBERS.next(self)
            if member is None:
                _record(self, HANDSHAKE, 0, RuntimeError("no Q&A member could sign in"))
                return
            connection = threading.Thread(target=self._hold, args=(member,), daemon=True)
            connection.start()
            self.connections.append(connection)
            time.sleep(0.01)  # a spread-out handshake burst, not 2,000 at once

    def on_stop(self) -> None:
        self.stopping.set()
        for connection in self.connections:
            connection.join(RECV_TIMEOUT_S + 1)

    @task
    def holding(self) -> None:
        """The connections live in their own greenlets; the user only waits."""

    def _hold(self, member: Member) -> None:
        after = MEMBERS.heads.get(member.course_id, 0)
        while not self.stopping.is_set():
            after = self._connection(member, after)
            time.sleep(RECONNECT_PAUSE_S)

    def _connection(self, member: Member, after: int) -> int:
        """One connection from ``after`` until it closes; returns the last place kept."""
        token = member.session.token()
        base = platform().messaging.replace("http", "ws", 1)
        url = f"{base}/ws?course_id={member.course_id}&after={after}"
        started = time.perf_counter()
        try:
            socket = websocket.create_connection(
                url, timeout=10, subprotocols=subprotocols(token or "")
            )
            welcome = json.loads(socket.recv())
            if welcome.get("type") != "welcome":
                raise RuntimeError(f"expected the welcome, got {welcome}")
        except Exception as error:
            _record(self, HANDSHAKE, (time.perf_counter() - started) * 1000, error)
            return after
        _record(self, HANDSHAKE, (time.perf_counter() - started) * 1000)
        opened_at = time.time()
        socket.settimeout(RECV_TIMEOUT_S)
        try:
            while not self.stopping.is_set():
                try:
                    frame = socket.recv()
                except websocket.WebSocketTimeoutException:
                    continue
                if not frame:  # closed by the server
                    code = socket.status
                    _record(self, HANDSHAKE, 0, RuntimeError(f"closed by the server ({code})"))
                    return after
                message = json.loads(frame)
                if message.get("type") == "post":
                    after = self._received(socket, member, after, message["post"], opened_at)
            return after
        except (OSError, websocket.WebSocketException) as error:
            if not self.stopping.is_set():
                _record(self, HANDSHAKE, 0, error)
            return after
        finally:
            socket.close()

    def _received(
        self,
        socket: websocket.WebSocket,
        member: Member,
        after: int,
        post: dict[str, Any],
        opened_at: float,
    ) -> int:
        now = time.time()
        place = int(post["seq"])
        socket.send(json.dumps({"type": "ack", "seq": place}))
        if place != after + 1:
            _record(self, DELIVERY, 0, RuntimeError(f"place {place} after {after}"))
        course = member.course_id
        MEMBERS.heads[course] = max(MEMBERS.heads.get(course, 0), place)
        created = epoch_seconds(post["created_at"])
        if created >= opened_at:
            _record(self, DELIVERY, max(0.0, now - created) * 1000)
            first = MEMBERS.first_seen.setdefault((course, place), now)
            _record(self, FAN_OUT, (now - first) * 1000)
        return max(after, place)


class QaPoster(FastHttpUser):
    """Asks a question every ``EDU_LOAD_QA_POST_EVERY_S`` in a member's course; answers its
    previous question every other time."""

    fixed_count = int(setting("POSTERS", 0))
    wait_time = constant_pacing(setting("POST_EVERY_S", 1.0))

    def on_start(self) -> None:
        self.asked: tuple[Member, str] | None = None
        self.turn = 0

    @task
    def post(self) -> None:
        self.turn += 1
        if self.asked is not None and self.turn % 2 == 0:
            asker, question = self.asked
            body = "One way to see it: " + _words()
            send(
                self,
                api_calls.answer_question(asker.session.token(), asker.course_id, question, body),
            )
            return
        member = MEMBERS.next(self)
        if member is None:
            return
        body = f"Question {self.turn}: {_words()}?"
        response = send(
            self, api_calls.ask_question(member.session.token(), member.course_id, body)
        )
        if response.status_code == 201:
            self.asked = (member, response.json()["id"])
