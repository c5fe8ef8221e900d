"""The providers for verification: this checkout's identity, course, enrollment and
notifications, each its real application (uvicorn, its own migrated database, its outbox relay
or event consumer) on free ports through ``edu.cli.dev.start_isolated_stack``, once per session.

Provider states are set up through each provider's own public API, so every state is the
outcome of the provider's use cases (sign up, create and publish a course, enrol, complete
lessons), never a row written behind its back. A state's setup may return the values the
pact's ``fromProviderState`` expressions need (ids the provider made, a fresh user's token):
the state server answers the verifier with them. Messages are read back from the stack's
JetStream stream: the bytes the provider's outbox relay published after ``edu.events.encode``.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlencode
from uuid import uuid4

import httpx
import nats
import pytest
from pact import Verifier
from pact.types import Message

from edu.cli.dev import start_isolated_stack
from edu.events import decode
from edu.infra.dev_stack import ProcessSpec
from edu.infra.isolated_stack import stack_folder
from edu.testing import api_calls, journeys
from edu.testing.harness_client import HarnessClient, UnexpectedStatus

PASSWORD = "correct horse battery"
TEACHER = "teacher@example.com"
STUDENT = "student@example.com"
# analytics-api reads the rollups the analytics-aggregator folds from what event-ingestion (Rust)
# published: its provider states need all three.
PROVIDERS = {
    "identity",
    "course",
    "enrollment",
    "notifications",
    "analytics-api",
    "analytics-aggregator",
    "event-ingestion",
    # the engine charges through its provider sandbox, which confirms by webhook (ADR 0022)
    "payment-engine",
    "payment-provider-sandbox",
    # renders certificates from identity's, course's and enrollment's events (ADR 0024)
    "certificate-generator",
    # indexes the courses course publishes, from its events (ADR 0025)
    "search",
    # teacher-tools' upstreams (issue 24): course Q&A (Rust) and the review queue, which
    # decides every post messaging shows
    "messaging",
    "moderation",
    # web's "Needs attention" page reads it (issue 24)
    "teacher-tools",
    # web's lesson videos (issue 25): uploads and their status; no transcoder runs here
    "video-processor",
}
PACTS = Path(__file__).resolve().parents[2] / "pacts"
# A state's setup; a mapping it returns gives the pact's ``fromProviderState`` expressions
# their values (``${course_id}``), anything else is ignored.
State = Callable[[], object]
Produce = Callable[[], Message]


class Platform:
    """The running providers, driven like a client would drive them (edu.testing's journeys)."""

    def __init__(
        self,
        urls: dict[str, str],
        nats_url: str,
        http: httpx.Client,
        grpc_targets: dict[str, str] | None = None,
    ) -> None:
        self.urls = urls
        self.grpc_targets = grpc_targets or {}
        self.nats_url = nats_url
        self.api = HarnessClient(urls, http)
        self.teacher_token = self.signed_in(TEACHER, teacher=True)
        self.student_token = self.signed_in(STUDENT, teacher=False)
        self.video_processor: ProcessSpec | None = None

    def sign_up(self, email: str, *, teacher: bool = False) -> journeys.User | None:
        """The new user; None when the email had signed up before (409)."""
        return self.api.run(journeys.sign_up(email, PASSWORD, teacher=teacher, tolerate=(409,)))

    def signed_in(self, email: str, *, teacher: bool) -> str:
        journey = journeys.new_account(email, PASSWORD, teacher=teacher, tolerate=(409,))
        return self.api.run(journey).access_token

    def course_ids(self, *, publish: bool) -> dict[str, str]:
        """A teacher's course with one lesson (see ``course``): its id and its lesson's."""
        course = self.course(publish=publish)
        return {"course_id": course["id"], "lesson_id": course["lessons"][0]["id"]}

    def declared_video(self, clip: bytes) -> dict[str, str]:
        """An upload of ``clip`` the session's teacher declared for a fresh draft course's
        lesson: the video's id."""
        ids = self.course_ids(publish=False)
        token, sha256 = self.teacher_token, hashlib.sha256(clip).hexdigest()
        declare = api_calls.declare_video(
            token, ids["course_id"], ids["lesson_id"], len(clip), sha256
        )
        return {"video_id": str(self.api.send(declare).json()["id"])}

    def arrived_video(self, clip: bytes) -> dict[str, str]:
        """A declared upload of ``clip`` whose every byte arrived (not completed yet)."""
        declared = self.declared_video(clip)
        digest = hashlib.sha256(clip).hexdigest()
        self.api.send(
            api_calls.send_video_chunk(self.teacher_token, declared["video_id"], 0, clip, digest)
        )
        return declared

    def ready_video(self) -> dict[str, str]:
        """A ready video (240p ladder, poster) of the session's teacher with an English caption
        track, for a fresh draft course's lesson: written by the provider's own adapters
        (`video-processor pact-state ready-video`: the contract stack has no transcoder or
        ffmpeg). Its id and the captions' signed path."""
        spec = self.video_processor
        assert spec is not None, "the stack runs no video-processor"
        params = {**self.course_ids(publish=False), "teacher_id": subject_of(self.teacher_token)}
        argv = [spec.argv[0], "pact-state", "ready-video", "--state", json.dumps(params)]
        done = subprocess.run(
            argv, env=spec.env, capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode != 0:
            raise AssertionError(f"pact-state ready-video: {done.stderr.strip()}")
        written: dict[str, str] = json.loads(done.stdout)
        return written

    def course(self, *, publish: bool) -> dict[str, Any]:
        """A teacher's course with one lesson, published when asked; its teacher view."""
        draft = {
            "title": f"Python {uuid4().hex[:6]}",
            "summary": "Variables to classes.",
            "level": "beginner",
            "tags": ["python"],
        }
        lesson = {"title": "Hello, world", "body_markdown": "Print something."}
        token = self.teacher_token
        made = self.api.run(journeys.make_course(token, draft, [lesson], publish=publish))
        result: dict[str, Any] = self.api.send(api_calls.teaching_course(token, made.id)).json()
        return result

    def enrollment(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The student enrolled in a fresh published course (once enrollment knows it)."""
        course = self.course(publish=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                return course, self.api.run(journeys.enrol(self.student_token, course["id"])).view
            except UnexpectedStatus:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # the course's snapshot is still on its way to enrollment

    def complete(self, enrollment_id: str, lesson_id: str) -> None:
        self.api.run(journeys.complete_lesson(self.student_token, enrollment_id, lesson_id))

    def rendered_certificate(self) -> dict[str, str]:
        """The session's student's certificate of a fresh one-lesson course, once
        certificate-generator has rendered it (from the events, asynchronously): its code and
        the student's token."""
        course, enrolled = self.enrollment()
        lesson = course["lessons"][0]["id"]
        done = self.api.run(journeys.complete_lesson(self.student_token, enrolled["id"], lesson))
        code = str(done.view["certificate_code"])
        pdf = f"{self.urls['certificate-generator']}/certificate-documents/{code}.pdf"
        headers = {"Authorization": f"Bearer {self.student_token}"}
        deadline = time.monotonic() + 20
        while (status := self.api.http.get(pdf, headers=headers).status_code) != 200:
            if status != 404 or time.monotonic() > deadline:
                raise AssertionError(f"certificate {code} not rendered: {status}")
            time.sleep(0.1)
        return {"token": self.student_token, "code": code}

    def student_with_unread_notification(self) -> dict[str, str]:
        """A new student's token and their welcome notification's id, once notifications has
        consumed identity's user.registered (the relay and the consumer are async)."""
        account = self.api.run(journeys.new_account(f"{uuid4().hex}@example.com", PASSWORD))
        # edu.testing.api_calls has no notifications call yet: the one read this suite needs.
        inbox = api_calls.Call(
            "notifications",
            "notifications",
            "GET",
            "/notifications",
            "/notifications",
            token=account.access_token,
        )
        deadline = time.monotonic() + 10
        while not (items := self.api.send(inbox).json()["items"]):
            if time.monotonic() > deadline:
                raise AssertionError(f"no notification reached {account.email} within 10 s")
            time.sleep(0.05)
        return {"token": account.access_token, "notification_id": items[0]["id"]}

    def indexed_course(self) -> dict[str, str]:
        """A published Python course for beginners tagged python (see ``course``), once search
        has indexed it from course.published (asynchronously: it reads the course back from
        course's API, ADR 0025): as web's searches find it."""
        course = self.course(publish=True)
        query = urlencode({"q": course["title"]})
        deadline = time.monotonic() + 15
        while course["id"] not in {
            found["course_id"] for found in self.api.send(api_calls.search(query)).json()["hits"]
        }:
            if time.monotonic() > deadline:
                raise AssertionError(f"search did not index course {course['id']} within 15 s")
            time.sleep(0.1)
        return {"course_id": course["id"]}

    def paying(self) -> dict[str, str]:
        """The session's student, a published course priced 49.00 EUR (what web's pact pays)
        and a fresh idempotency key (a used one would replay its first payment: 200, not 201)."""
        course = self.course(publish=True)
        self.api.send(api_calls.set_price(self.teacher_token, course["id"], "EUR", 4900))
        return {
            "token": self.student_token,
            "course_id": course["id"],
            "idempotency_key": uuid4().hex,
        }

    def with_payment(self) -> dict[str, str]:
        """The session's student and a payment of theirs for a priced course."""
        paying = self.paying()
        made = self.api.send(
            api_calls.pay(
                self.student_token,
                paying["idempotency_key"],
                paying["course_id"],
                "EUR",
                4900,
                "tok_visa",
            )
        )
        return {"token": self.student_token, "payment_id": made.json()["id"]}

    def student(self) -> dict[str, str]:
        """The session's student as event-ingestion's states need it: the token, its subject,
        a fresh event id (ingestion stores an id once) and the time now (it refuses an event
        more than ten minutes from its clock)."""
        return {
            "token": self.student_token,
            "user_id": subject_of(self.student_token),
            "event_id": str(uuid4()),
            "occurred_at": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }

    def visited_course(self) -> dict[str, str]:
        """A published course whose lesson the student opened and read for 30 s, sent through
        event-ingestion; returned once analytics-api shows the visit (the aggregator folds
        course.published and the learning events asynchronously)."""
        course = self.course(publish=True)
        lesson, session = course["lessons"][0]["id"], str(uuid4())

        def event(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": str(uuid4()),
                "type": kind,
                "user_id": subject_of(self.student_token),
                "occurred_at": self.student()["occurred_at"],
                "course_id": course["id"],
                "session_id": session,
                kind.replace(".", "_"): {"lesson_id": lesson, **payload},
            }

        batch = [
            event("lesson.opened", {}),
            event("lesson.heartbeat", {"position_seconds": 30, "active_seconds": 30}),
        ]
        # edu.testing.api_calls has no learning-event or analytics call yet: this suite's two.
        send = api_calls.Call(
            "events",
            "event-ingestion",
            "POST",
            "/v1/events",
            "/v1/events",
            body={"events": batch},
            token=self.student_token,
            expect=(202,),
        )
        self.api.send(send)
        path = f"/analytics/courses/{course['id']}"
        figures = api_calls.Call(
            "analytics",
            "analytics-api",
            "GET",
            path,
            "/analytics/courses/{id}",
            token=self.teacher_token,
            expect=(200, 404),
        )
        deadline = time.monotonic() + 15
        while True:
            answer = self.api.send(figures)
            if answer.status_code == 200 and answer.json()["lessons"][0]["sessions"] >= 1:
                return {"course_id": course["id"]}
            if time.monotonic() > deadline:
                raise AssertionError(f"analytics-api did not show the visit: {answer.text}")
            time.sleep(0.1)

    def last_event(self, subject: str, aggregate_id: str) -> tuple[bytes, dict[str, Any]]:
        """The last message on ``subject`` once it is about ``aggregate_id`` (the relay is async)."""
        return asyncio.run(self._last_event(subject, aggregate_id))

    async def _last_event(self, subject: str, aggregate_id: str) -> tuple[bytes, dict[str, Any]]:
        client = await nats.connect(self.nats_url)
        try:
            stream = client.jetstream()
            deadline = time.monotonic() + 10
            while True:
                try:
                    message = await stream.get_last_msg("EVENTS", subject)
                    if message.data and decode(message.data).aggregate_id == aggregate_id:
                        return message.data, {"subject": message.subject}
                except nats.js.errors.NotFoundError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"no {subject} event about {aggregate_id} was published")
                await asyncio.sleep(0.05)
        finally:
            await client.close()


def subject_of(token: str) -> str:
    """A JWT's subject, read without checking it (identity made it moments ago)."""
    claims = token.split(".")[1]
    subject: str = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"]
    return subject


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    with (
        stack_folder("edu-providers-") as folder,
        start_isolated_stack(folder, only=PROVIDERS) as stack,
        httpx.Client(timeout=10) as http,
    ):
        urls = {**stack.service_urls, **stack.worker_urls}
        platform = Platform(urls, stack.infrastructure["nats"], http, stack.grpc_targets)
        # How the stack runs video-processor (its binary and settings): the provider state of
        # a ready video is written by that binary (`pact-state ready-video`, its pact.rs)
        platform.video_processor = stack.processes.specs["video-processor"]
        yield platform


# The producers' events, shared by every message verification of their consumers (Python's in
# test_verify_providers.py, Rust's in test_verify_rust_consumers.py): each fixture gives the
# provider states (made through the producer's public API) and, per interaction description,
# the message its outbox relay published for the state's aggregate.


def as_message(contents: bytes, metadata: dict[str, Any]) -> Message:
    # pact-python 4 reads `contents` (not `body`) from a message producer.
    return Message(contents=contents, metadata=metadata, content_type="application/json")


class Producing(TypedDict):
    """The provider states and messages of one producer's events, shared by all its consumers."""

    states: dict[str, Callable[[], None]]
    messages: dict[str, Callable[[], Message]]


def _identity_events(platform: Platform) -> Producing:
    """user.registered after a fresh sign-up."""
    user: dict[str, str] = {}

    def student_signs_up() -> None:
        signed_up = platform.sign_up(f"{uuid4().hex}@example.com")
        assert signed_up is not None, "a fresh email signed up as someone else"
        user["id"] = signed_up.id

    def user_registered() -> Message:
        return as_message(*platform.last_event("events.user.registered", user["id"]))

    return {
        "states": {"a student has signed up": student_signs_up},
        "messages": {"a user.registered event": user_registered},
    }


def _course_events(platform: Platform) -> Producing:
    """course.published after a teacher published a course with one lesson; course.updated
    after a lesson was added to it; course.unpublished after it was unpublished."""
    course: dict[str, Any] = {}

    def teacher_publishes() -> None:
        course.update(platform.course(publish=True))

    def teacher_adds_a_lesson() -> None:
        teacher_publishes()
        lesson = {"title": "Classes", "body_markdown": "Define one."}
        platform.api.send(api_calls.add_lesson(platform.teacher_token, course["id"], lesson))

    def teacher_unpublishes() -> None:
        teacher_publishes()
        platform.api.send(api_calls.unpublish(platform.teacher_token, course["id"]))

    def event(subject: str) -> Callable[[], Message]:
        return lambda: as_message(*platform.last_event(subject, course["id"]))

    return {
        "states": {
            "a teacher has published a course with one lesson": teacher_publishes,
            "a teacher has added a lesson to a published course": teacher_adds_a_lesson,
            "a teacher has unpublished a course": teacher_unpublishes,
        },
        "messages": {
            "a course.published event": event("events.course.published"),
            "a course.updated event": event("events.course.updated"),
            "a course.unpublished event": event("events.course.unpublished"),
        },
    }


def _enrollment_events(platform: Platform) -> Producing:
    """enrollment.created after an enrolment; lesson.completed, course.completed and
    certificate.issued after every lesson of the course was completed."""
    enrolled: dict[str, Any] = {}

    def student_enrols() -> None:
        enrolled["course"], enrolled["enrollment"] = platform.enrollment()

    def student_completes() -> None:
        student_enrols()
        platform.complete(enrolled["enrollment"]["id"], enrolled["course"]["lessons"][0]["id"])

    def event(subject: str) -> Callable[[], Message]:
        return lambda: as_message(*platform.last_event(subject, enrolled["enrollment"]["id"]))

    return {
        "states": {
            "a student has enrolled in a course": student_enrols,
            "a student has completed every lesson of a course": student_completes,
        },
        "messages": {
            "an enrollment.created event": event("events.enrollment.created"),
            "a lesson.completed event": event("events.lesson.completed"),
            "a course.completed event": event("events.course.completed"),
            "a certificate.issued event": event("events.certificate.issued"),
        },
    }


@pytest.fixture
def identity_events(platform: Platform) -> Producing:
    return _identity_events(platform)


@pytest.fixture
def course_events(platform: Platform) -> Producing:
    return _course_events(platform)


@pytest.fixture
def enrollment_events(platform: Platform) -> Producing:
    return _enrollment_events(platform)


class StateSetupFailed(AssertionError):
    """A provider state could not be set up: the verification proves nothing, so it fails."""


# How often the state server checks whether it should stop (seconds).
SHUTDOWN_POLL = 0.02
# pact-python binds its message producer's port late (see PactVerification._verify).
BIND_ATTEMPTS = 3


class PactVerification:
    """Verifies one committed pact against its running provider and records the matrix row.

    Provider states are set up by this suite's own state server (``state_server``), not by
    pact-python's state callback: that one answers the verifier with no body, so no state
    could give the pact's ``fromProviderState`` expressions their values. A setup that
    raises is recorded and the verification fails once the verifier is done, naming the
    state; left to pact-python, the exception became a 500 that the verifier retried and
    reported only after ~130 s on this machine.
    """

    def __init__(self, platform: Platform, record_row: Any) -> None:
        self._platform = platform
        self._record_row = record_row

    def __call__(
        self,
        provider: str,
        consumer: str,
        *,
        states: Mapping[str, State],
        token: str | None = None,
        messages: Mapping[str, Produce] | None = None,
        pact: Path | None = None,
    ) -> None:
        committed = pact is None  # probes (a pact given) stay out of the matrix
        pact = pact or PACTS / f"{consumer}-{provider}.json"
        interactions = json.loads(pact.read_text())["interactions"]
        passed = (
            self._record_row("verify", consumer, provider, len(interactions)) if committed else None
        )
        needed = {s["name"] for i in interactions for s in i.get("providerStates", [])}
        if needed - set(states):  # answered {}, such a state would prove nothing
            raise StateSetupFailed(f"no setup for provider states {sorted(needed - set(states))}")
        failures: list[str] = []
        try:
            with state_server(states, failures) as states_url:
                self._verify(consumer, provider, pact, states_url, token, messages)
        finally:
            if failures:
                raise StateSetupFailed("provider states not set up: " + "; ".join(failures))
        if passed is not None:
            passed()

    def _verify(
        self,
        consumer: str,
        provider: str,
        pact: Path,
        states_url: str,
        token: str | None,
        messages: Mapping[str, Produce] | None,
    ) -> None:
        """Run the verifier. pact-python picks its message producer's port when the verifier
        is built and binds it only in ``verify()``; an outgoing connection can take that port
        in between (both come from the ephemeral range). That bind fails before any state or
        interaction ran, so a new verifier with a new port is tried, at most three times."""
        for attempt in range(1, BIND_ATTEMPTS + 1):
            verifier = Verifier(provider, host="127.0.0.1").add_source(pact)
            verifier.set_error_on_empty_pact().state_handler(states_url, body=True)
            if messages is None:
                verifier.add_transport(url=self._platform.urls[provider])
            else:
                verifier.message_handler({name: _no_args(make) for name, make in messages.items()})
            if token is not None:
                verifier.add_custom_header("Authorization", f"Bearer {token}")
            try:
                verifier.verify()
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or attempt == BIND_ATTEMPTS:
                    raise
                continue
            except RuntimeError as exc:  # pact-python says only "Failed to execute verifier"
                raise AssertionError(
                    f"{consumer} -> {provider}:\n{verifier.output(strip_ansi=True)}"
                ) from exc
            return


@contextmanager
def state_server(states: Mapping[str, State], failures: list[str]) -> Iterator[str]:
    """The verifier's state-change URL, served on a free port for the block.

    Each change (``{"state", "action", "params"}`` in the body) runs the state's setup and is
    answered with the mapping the setup returned (else ``{}``): the verifier puts those values
    into the interaction's ``fromProviderState`` expressions. A setup that raises is recorded
    in ``failures`` and answered ``{}``; the verification then fails naming the state.
    """
    server = _StateServer(states, failures)
    # shutdown() waits for the serving loop to look again: at the default 0.5 s that was up
    # to half a second of every verification (~0.3 s each, measured over the layer).
    serving = threading.Thread(
        target=server.serve_forever, args=(SHUTDOWN_POLL,), name="pact-states", daemon=True
    )
    serving.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/states"
    finally:
        server.shutdown()
        server.server_close()
        serving.join()


class _StateServer(ThreadingHTTPServer):
    def __init__(self, states: Mapping[str, State], failures: list[str]) -> None:
        super().__init__(("127.0.0.1", 0), _StateChange)
        self.states = states
        self.failures = failures

    def set_up(self, name: str, action: str) -> dict[str, Any]:
        setup = self.states.get(name)
        # No setup: "" (asked before an interaction without a state) or a teardown (nothing is
        # torn down: states make new users and courses). States a pact names without a setup
        # here were refused before the verifier ran.
        if setup is None or action != "setup":
            return {}
        try:
            values = setup()
        except Exception as exc:  # any failure: recorded, the verification then fails
            self.failures.append(f"{name!r}: {exc!r}")
            return {}
        return dict(values) if isinstance(values, Mapping) else {}


class _StateChange(BaseHTTPRequestHandler):
    server: _StateServer

    def do_POST(self) -> None:
        change = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        values = self.server.set_up(str(change.get("state")), str(change.get("action")))
        body = json.dumps(values).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the verifier's own output names each state."""


def _no_args(make: Produce) -> Callable[..., Message]:
    return lambda *args, **kwargs: make()


@pytest.fixture
def verify_pact(platform: Platform, record_row: Any) -> PactVerification:
    return PactVerification(platform, record_row)
