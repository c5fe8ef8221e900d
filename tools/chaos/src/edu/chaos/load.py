"""Background load during an experiment: students signing up, enrolling and completing lessons.

    python -m edu.chaos.load --out RUN_DIR/load [--users 4] [--pace 0.1]

runs against the stack of ``EDU_CHAOS_STACK`` until SIGTERM. First it makes its own teacher
and two published courses (three lessons each) through course's API, then each virtual user
repeats a student's journey with a new account: sign up, log in, enrol, complete every
lesson (the last one issues a certificate). Each journey produces the events notifications
consumes (user.registered, enrollment.created, certificate.issued), so the ledger has
something to count. A failed step ends that journey; the user starts a new one after a pause.

Every request is one JSON line in ``requests.jsonl``: start and end (wall clock), operation,
status (0 when no answer came), whether it counts as success, the error, and for a successful
enrolment its id (the verdict checks that each one exists in enrollment's database). No
request is retried: an error during a fault is what the experiment measures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from edu.chaos.target import Target
from edu.testing import journeys
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


@dataclass
class Recorder:
    out: TextIO
    counts: dict[str, int] = field(default_factory=dict)

    def observe(self, exchange: Exchange) -> None:
        """One JSON line per request, however it went (the client calls this for every one)."""
        op = "setup" if exchange.call.op in SETUP else exchange.call.op
        entry: dict[str, Any] = {"op": op, "t0": exchange.started, "t1": exchange.ended}
        response, error = exchange.response, exchange.error
        if response is None:
            entry.update(status=0, ok=False, error=f"{type(error).__name__}: {error}")
        else:
            entry.update(status=response.status_code, ok=exchange.ok)
            if not exchange.ok:
                entry["error"] = response.text[:300]
            elif op == "enrol":
                entry["ref"] = response.json()["id"]
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
) -> list[dict[str, Any]]:
    """Published courses of a new teacher (retried: the stack may still be settling)."""
    for attempt in range(10):
        try:
            return await _make_courses(client, count, lessons)
        except StepFailed:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise SystemExit("could not create the load's courses: is the stack up?")


async def _make_courses(
    client: AsyncHarnessClient, count: int, lessons: int
) -> list[dict[str, Any]]:
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
    return courses


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


async def main(out: Path, users: int, pace: float, timeout_s: float = TIMEOUT_S) -> int:
    target = Target.load()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    limits = httpx.Limits(max_connections=users * 3, max_keepalive_connections=users * 3)
    with (out / "requests.jsonl").open("a") as records:
        recorder = Recorder(records)
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as http:
            client = AsyncHarnessClient(target.service_urls, http, observe=recorder.observe)
            courses = await make_courses(client)
            (out / "ready").write_text(json.dumps({"courses": [c["id"] for c in courses]}))
            await asyncio.gather(*(user(client, courses, pace, stop) for _ in range(users)))
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
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    raise SystemExit(asyncio.run(main(args.out, args.users, args.pace, args.timeout)))


if __name__ == "__main__":
    cli()
