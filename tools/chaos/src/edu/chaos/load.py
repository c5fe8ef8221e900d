"""Background load during an experiment: students signing up, enrolling and completing lessons.

    python -m edu.chaos.load --out RUN_DIR/load [--users 4] [--pace 0.1] [--signed-in 0]

runs against the stack of ``EDU_CHAOS_STACK`` until SIGTERM, calling the APIs where the
platform's users call them: through the api-gateway (the stack file's ``api_urls``). First it
makes its own teacher and two published courses (three lessons each) through course's API,
then each virtual user repeats a student's journey with a new account: sign up, log in, enrol,
complete every lesson (the last one issues a certificate). Each journey produces the events
notifications consumes (user.registered, enrollment.created, certificate.issued), so the
ledger has something to count. A failed step ends that journey; the user starts a new one
after a pause.

``--signed-in N`` adds N students who signed up and logged in before the load was ready and
then only use the token they hold: enrol again (200) and complete a lesson, over and over
(``signed_in_enrol``, ``signed_in_complete``), and the load's teacher keeps reading one of
their courses (``teacher_view``). What they do needs no sign-in during the experiment: an
outage of sign-in (identity down, the rate limiter down) must not reach them.

``--learners N`` adds N students who sign in before the load is ready and then send learning
events (issue 21) through the gateway's ``/v1/events``: batches of ``--learning-batch``
``lesson.opened`` events on the load's courses' lessons, each event with an id of its own, a
batch retried with the same ids on anything but 202 that a client should retry (no answer, 502,
503, 429; after ``Retry-After``, at most 1 s) until event-ingestion acknowledges it (202). Each
attempt is one JSON line in ``learning.jsonl`` (its ids, status, whether it was acknowledged);
the learning ledger (``edu.chaos.probes.learning_ledger``) holds the acknowledged ids against
the aggregator's rollups. On SIGTERM a learner sends no new batch but keeps retrying the one in
flight for up to ``LEARNING_DRAIN_S``: what was sent should end acknowledged.

Every request is one JSON line in ``requests.jsonl``: start and end (wall clock), operation,
status (0 when no answer came), whether it counts as success, the error, and for a successful
enrolment its id (the verdict checks that each one exists in enrollment's database); a refused
one also its content type and ``Retry-After``, and any answer the gateway counted against a
rate limit its ``RateLimit-Limit`` (``ratelimit``). No request is retried: an error during a
fault is what the experiment measures.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import functools
import json
import random
import signal
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx

from edu.chaos.target import Target
from edu.testing import api_calls, journeys
from edu.testing.harness_client import AsyncHarnessClient, Exchange, UnexpectedStatus

PASSWORD = "chaos-monkey-Passw0rd!"  # noqa: S105 - accounts of a throwaway stack
# How long a user waits for an answer before counting the request failed. An experiment whose
# fault legitimately slows answers down (a latency fault) sets a longer one: a timeout must
# mean "no answer", not "a slow answer the fault explains".
TIMEOUT_S = 5.0
# Making the courses is recorded as "setup" (the verdict leaves it out); every other step under
# its own name: signup, login, enrol, complete. Success is what each call expects
# (edu.testing.api_calls): signup 201, login 200, enrol 200 or 201, complete 200.
SETUP = {"create_course", "add_lesson", "publish"}
# A request in a journey did not succeed (no answer, or not the expected one): the journey ends.
StepFailed = (UnexpectedStatus, httpx.HTTPError)
# What the signed-in students and the teacher do, recorded under names of their own.
SIGNED_IN = {
    "enrol": "signed_in_enrol",
    "complete": "signed_in_complete",
    "teaching_course": "teacher_view",
}
RETRIED = {0, 429, 502, 503, 504}  # no answer, or "come back later": the same batch again
LEARNING_DRAIN_S = 15.0  # after SIGTERM, how long a learner keeps retrying its batch in flight


@dataclass
class Recorder:
    out: TextIO
    counts: dict[str, int] = field(default_factory=dict)

    def observe(self, exchange: Exchange, *, signed_in: bool = False) -> None:
        """One JSON line per request, however it went (the client calls this for every one);
        ``signed_in``: a request of a signed-in student or the teacher (``SIGNED_IN``)."""
        op = exchange.call.op
        op = SIGNED_IN.get(op, op) if signed_in else "setup" if op in SETUP else op
        entry: dict[str, Any] = {"op": op, "t0": exchange.started, "t1": exchange.ended}
        response, error = exchange.response, exchange.error
        if response is None:
            entry.update(status=0, ok=False, error=f"{type(error).__name__}: {error}")
        else:
            entry.update(status=response.status_code, ok=exchange.ok)
            if not exchange.ok:
                entry["error"] = response.text[:300]
                entry["type"] = response.headers.get("content-type", "")
                if "retry-after" in response.headers:
                    entry["retry_after"] = response.headers["retry-after"]
            elif op == "enrol":
                entry["ref"] = response.json()["id"]
            if "ratelimit-limit" in response.headers:
                entry["ratelimit"] = response.headers["ratelimit-limit"]
        self.write(entry)

    def write(self, entry: dict[str, Any]) -> None:
        self.out.write(json.dumps(entry) + "\n")
        self.out.flush()
        key = f"{entry['op']}:{'ok' if entry['ok'] else 'failed'}"
        self.counts[key] = self.counts.get(key, 0) + 1


async def account(client: AsyncHarnessClient, role: str, *, teacher: bool = False) -> str:
    """A new account; returns its access token."""
    email = f"chaos-{role}-{uuid.uuid4().hex[:12]}@chaos.eduplatform.test"
    made = await client.run(journeys.new_account(email, PASSWORD, teacher=teacher))
    return made.access_token


async def make_courses(
    client: AsyncHarnessClient, count: int = 2, lessons: int = 3
) -> tuple[str, list[dict[str, Any]]]:
    """Published courses of a new teacher, and the teacher's access token (retried: the stack
    may still be settling)."""
    for attempt in range(10):
        try:
            return await _make_courses(client, count, lessons)
        except StepFailed:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise SystemExit("could not create the load's courses: is the stack up?")


async def signed_in_tokens(client: AsyncHarnessClient, count: int) -> list[str]:
    """``count`` students signed up and logged in (retried like the courses)."""
    tokens: list[str] = []
    for attempt in range(10):
        try:
            while len(tokens) < count:
                tokens.append(await account(client, "signed-in"))
            return tokens
        except StepFailed:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise SystemExit("could not sign the load's signed-in students up: is the stack up?")


async def _make_courses(
    client: AsyncHarnessClient, count: int, lessons: int
) -> tuple[str, list[dict[str, Any]]]:
    token = await account(client, "teacher", teacher=True)
    parts = [
        {"title": f"Lesson {k}", "estimated_minutes": 5, "body_markdown": "Read."}
        for k in range(lessons)
    ]
    courses = []
    for n in range(count):
        draft = {
            "title": f"Chaos course {n} {uuid.uuid4().hex[:6]}",
            "summary": "Load.",
            "tags": ["chaos"],
        }
        courses.append((await client.run(journeys.make_course(token, draft, parts))).view)
    return token, courses


async def journey(client: AsyncHarnessClient, course: dict[str, Any], pace: float) -> None:
    token = await account(client, "student")
    await asyncio.sleep(pace)
    enrolled = await client.run(journeys.enrol(token, course["id"]))
    for lesson in course["lessons"]:
        await asyncio.sleep(pace)
        await client.run(journeys.complete_lesson(token, enrolled.id, lesson["id"]))


async def user(
    client: AsyncHarnessClient, courses: list[dict[str, Any]], pace: float, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        with contextlib.suppress(*StepFailed):  # that journey ends; the user starts another
            await journey(client, random.choice(courses), pace)  # noqa: S311 - load, not secrets
        await asyncio.sleep(pace)


async def signed_in_student(
    client: AsyncHarnessClient,
    token: str,
    course: dict[str, Any],
    pace: float,
    stop: asyncio.Event,
) -> None:
    """Enrol again (200 once enrolled) and complete a lesson, with the token held from the
    start; a failure is recorded and the student goes on."""
    while not stop.is_set():
        with contextlib.suppress(*StepFailed):
            enrolled = await client.run(journeys.enrol(token, course["id"]))
            await asyncio.sleep(pace)
            lesson = random.choice(course["lessons"])  # noqa: S311 - load, not secrets
            await client.run(journeys.complete_lesson(token, enrolled.id, lesson["id"]))
        await asyncio.sleep(pace)


async def teacher(
    client: AsyncHarnessClient, token: str, course_id: str, pace: float, stop: asyncio.Event
) -> None:
    """The load's teacher reads one of their courses (course's API, with the token held)."""
    while not stop.is_set():
        with contextlib.suppress(*StepFailed):
            await client.send(api_calls.teaching_course(token, course_id))
        await asyncio.sleep(pace)


def user_id_of(token: str) -> str:
    """The token's subject (the learner's user id, which every event must carry); read, not
    verified: the load made the token, the service verifies it."""
    claims = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"])


def opened_events(user_id: str, course: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """``count`` new ``lesson.opened`` events of one visit each, in the protobuf JSON mapping."""
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    lessons = course["lessons"]
    return [
        {
            "id": str(uuid.uuid4()),
            "type": "lesson.opened",
            "user_id": user_id,
            "course_id": course["id"],
            "session_id": str(uuid.uuid4()),
            "occurred_at": now,
            "lesson_opened": {"lesson_id": lessons[n % len(lessons)]["id"]},
        }
        for n in range(count)
    ]


async def learner(
    http: httpx.AsyncClient,
    url: str,
    token: str,
    course: dict[str, Any],
    batch: int,
    pace: float,
    stop: asyncio.Event,
    out: TextIO,
) -> None:
    """Sends batches until ``stop``; each retried with the same ids until 202 (ADR 0018)."""
    user_id = user_id_of(token)
    while not stop.is_set():
        events = opened_events(user_id, course, batch)
        ids = [e["id"] for e in events]
        attempt, drain_until = 0, None
        while True:
            attempt += 1
            entry: dict[str, Any] = {"op": "learning_events", "ids": ids, "attempt": attempt}
            entry["t0"] = time.time()
            wait = pace
            try:
                call = api_calls.record_events(token, events)
                answer = await http.post(url, json=call.body, headers=call.headers)
                entry["status"] = answer.status_code
                if answer.status_code == 202:
                    entry["duplicates"] = len(answer.json().get("duplicates", []))
                elif "retry-after" in answer.headers:
                    entry["retry_after"] = answer.headers["retry-after"]
                    wait = min(1.0, float(answer.headers["retry-after"]))
                if answer.status_code != 202:
                    entry["error"] = answer.text[:300]
            except httpx.HTTPError as error:
                entry.update(status=0, error=f"{type(error).__name__}: {error}")
            entry["t1"] = time.time()
            entry["acked"] = entry["status"] == 202
            out.write(json.dumps(entry) + "\n")
            out.flush()
            if entry["acked"] or entry["status"] not in RETRIED:
                break  # acknowledged, or refused for good (the ledger reports it)
            if stop.is_set():
                drain_until = drain_until or time.monotonic() + LEARNING_DRAIN_S
                if time.monotonic() > drain_until:
                    break  # given up: the ledger counts the batch as never acknowledged
            await asyncio.sleep(max(wait, 0.1))
        await asyncio.sleep(pace)


async def main(
    out: Path,
    users: int,
    pace: float,
    timeout_s: float = TIMEOUT_S,
    signed_in: int = 0,
    learners: int = 0,
    learning_batch: int = 20,
) -> int:
    target = Target.load()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    connections = (users + signed_in + learners + 1) * 3
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    with (
        (out / "requests.jsonl").open("a") as records,
        (out / "learning.jsonl").open("a") as learning,
    ):
        recorder = Recorder(records)
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as http:
            urls = target.api_urls
            client = AsyncHarnessClient(urls, http, observe=recorder.observe)
            held = AsyncHarnessClient(
                urls, http, observe=functools.partial(recorder.observe, signed_in=True)
            )
            teacher_token, courses = await make_courses(client)
            tokens = await signed_in_tokens(client, signed_in)
            learner_tokens = await signed_in_tokens(client, learners)
            (out / "ready").write_text(json.dumps({"courses": [c["id"] for c in courses]}))
            students = [
                signed_in_student(held, token, courses[n % len(courses)], pace, stop)
                for n, token in enumerate(tokens)
            ]
            if tokens:
                students.append(teacher(held, teacher_token, courses[0]["id"], pace, stop))
            events_url = api_calls.record_events(None, []).url(urls) if learners else ""
            students += [
                learner(
                    http,
                    events_url,
                    token,
                    courses[n % len(courses)],
                    learning_batch,
                    pace,
                    stop,
                    learning,
                )
                for n, token in enumerate(learner_tokens)
            ]
            await asyncio.gather(
                *(user(client, courses, pace, stop) for _ in range(users)), *students
            )
    (out / "summary.json").write_text(json.dumps(recorder.counts, indent=2, sort_keys=True))
    return 0


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--pace", type=float, default=0.1, help="seconds between a user's requests")
    parser.add_argument(
        "--timeout", type=float, default=TIMEOUT_S, help="seconds a user waits for an answer"
    )
    parser.add_argument(
        "--signed-in",
        type=int,
        default=0,
        help="students who sign in once before the load is ready and then only use their token",
    )
    parser.add_argument(
        "--learners", type=int, default=0, help="signed-in students sending learning events"
    )
    parser.add_argument("--learning-batch", type=int, default=20, help="events per batch")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raise SystemExit(
        asyncio.run(
            main(
                args.out,
                args.users,
                args.pace,
                args.timeout,
                args.signed_in,
                args.learners,
                args.learning_batch,
            )
        )
    )


if __name__ == "__main__":
    cli()
