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
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from edu.chaos.target import Target

PASSWORD = "chaos-monkey-Passw0rd!"  # noqa: S105 - accounts of a throwaway stack
# How long a user waits for an answer before counting the request failed. An experiment whose
# fault legitimately slows answers down (a latency fault) sets a longer one: a timeout must
# mean "no answer", not "a slow answer the fault explains".
TIMEOUT_S = 5.0
SUCCESS = {
    "signup": {201},
    "login": {200},
    "enrol": {200, 201},
    "complete": {200},
}


class StepFailed(Exception):
    """A request in a journey did not succeed; the journey ends."""


@dataclass
class Recorder:
    out: TextIO
    counts: dict[str, int] = field(default_factory=dict)

    def write(self, entry: dict[str, Any]) -> None:
        self.out.write(json.dumps(entry) + "\n")
        self.out.flush()
        key = f"{entry['op']}:{'ok' if entry['ok'] else 'failed'}"
        self.counts[key] = self.counts.get(key, 0) + 1


@dataclass
class Platform:
    client: httpx.AsyncClient
    urls: dict[str, str]
    recorder: Recorder

    async def call(
        self, op: str, method: str, url: str, *, json_body: Any = None, token: str = ""
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.time()
        entry: dict[str, Any] = {"op": op, "t0": started}
        try:
            response = await self.client.request(method, url, json=json_body, headers=headers)
        except httpx.HTTPError as exc:
            entry.update(t1=time.time(), status=0, ok=False, error=f"{type(exc).__name__}: {exc}")
            self.recorder.write(entry)
            raise StepFailed(op) from exc
        ok = response.status_code in SUCCESS.get(op, {200, 201})
        entry.update(t1=time.time(), status=response.status_code, ok=ok)
        if not ok:
            entry["error"] = response.text[:300]
        elif op == "enrol":
            entry["ref"] = response.json()["id"]
        self.recorder.write(entry)
        if not ok:
            raise StepFailed(op)
        return response

    async def account(self, role: str, *, teacher: bool = False) -> str:
        """A new account; returns its access token."""
        identity = self.urls["identity"]
        email = f"chaos-{role}-{uuid.uuid4().hex[:12]}@chaos.eduplatform.test"
        body = {"email": email, "password": PASSWORD, "teacher": teacher}
        await self.call("signup", "POST", f"{identity}/auth/signup", json_body=body)
        login = {"email": email, "password": PASSWORD}
        answer = await self.call("login", "POST", f"{identity}/auth/login", json_body=login)
        return str(answer.json()["access_token"])


async def make_courses(
    platform: Platform, count: int = 2, lessons: int = 3
) -> list[dict[str, Any]]:
    """Published courses of a new teacher (retried: the stack may still be settling)."""
    for attempt in range(10):
        try:
            return await _make_courses(platform, count, lessons)
        except StepFailed:
            await asyncio.sleep(0.5 * (attempt + 1))
    raise SystemExit("could not create the load's courses: is the stack up?")


async def _make_courses(platform: Platform, count: int, lessons: int) -> list[dict[str, Any]]:
    token = await platform.account("teacher", teacher=True)
    course_url = platform.urls["course"]
    courses = []
    for n in range(count):
        body = {
            "title": f"Chaos course {n} {uuid.uuid4().hex[:6]}",
            "summary": "Load.",
            "tags": ["chaos"],
        }
        made = (
            await platform.call(
                "setup", "POST", f"{course_url}/courses", json_body=body, token=token
            )
        ).json()
        for k in range(lessons):
            lesson = {"title": f"Lesson {k}", "estimated_minutes": 5, "body_markdown": "Read."}
            await platform.call(
                "setup",
                "POST",
                f"{course_url}/courses/{made['id']}/lessons",
                json_body=lesson,
                token=token,
            )
        published = await platform.call(
            "setup", "POST", f"{course_url}/courses/{made['id']}/publish", token=token
        )
        courses.append(published.json())
    return courses


async def journey(platform: Platform, course: dict[str, Any], pace: float) -> None:
    token = await platform.account("student")
    await asyncio.sleep(pace)
    enrollment = platform.urls["enrollment"]
    made = await platform.call(
        "enrol",
        "POST",
        f"{enrollment}/enrollments",
        json_body={"course_id": course["id"]},
        token=token,
    )
    enrolment_id = made.json()["id"]
    for lesson in course["lessons"]:
        await asyncio.sleep(pace)
        await platform.call(
            "complete",
            "PUT",
            f"{enrollment}/enrollments/{enrolment_id}/completed-lessons/{lesson['id']}",
            token=token,
        )


async def user(
    platform: Platform, courses: list[dict[str, Any]], pace: float, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        with contextlib.suppress(StepFailed):  # that journey ends; the user starts another
            await journey(platform, random.choice(courses), pace)  # noqa: S311 - load, not secrets
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
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
            platform = Platform(client, target.service_urls, recorder)
            courses = await make_courses(platform)
            (out / "ready").write_text(json.dumps({"courses": [c["id"] for c in courses]}))
            await asyncio.gather(*(user(platform, courses, pace, stop) for _ in range(users)))
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
