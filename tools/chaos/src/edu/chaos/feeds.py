"""Students' home feeds under chaos (issue 23): feed-builder killed -9 while students enrol.

``enrol_students`` signs up ``count`` students who each enrol in this run's course (a teacher
publishes it once per run) through the gateway, and records every (student, course) in the
run's ``feeds.json``. ``feeds_complete`` (hypothesis) reads each recorded student's feed
document from Redis (``<prefix>feed:v1:<student>``, the document web's home page reads) until
every enrolment is in its "continue learning" exactly once: enrolled vs in a feed, lost = an
enrolment no feed shows, duplicated = a course listed twice in one feed. Before the method there
is nothing to count.

feed-builder keeps its place in stream EVENTS with a durable consumer acked after the Redis
writes; what a kill -9 left unacknowledged comes back after ``ack_wait`` (2 s in the chaos
stack), and building a feed from a redelivered event changes nothing (ADR 0025's feed part).
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from chaoslib.exceptions import InterruptExecution

from edu.chaos.load import PASSWORD
from edu.chaos.target import Target, mark, run_dir
from edu.common.redis_client import connect_redis
from edu.testing import journeys
from edu.testing.harness_client import AsyncHarnessClient

FEED_BUILDER = "feed-builder"
LESSONS = [
    {"title": "First steps", "estimated_minutes": 5, "body_markdown": "Read."},
    {"title": "Next steps", "estimated_minutes": 5, "body_markdown": "Read on."},
]


def _feeds_path() -> Path:
    return run_dir() / "feeds.json"


def _recorded() -> list[dict[str, str]]:
    path = _feeds_path()
    return json.loads(path.read_text()) if path.is_file() else []


def subject_of(access_token: str) -> str:
    """The user id an access token names (its ``sub``; the signature is the gateway's job)."""
    payload = access_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sub"])


async def _course(client: AsyncHarnessClient) -> str:
    """This run's course: made and published by a teacher on first use."""
    path = run_dir() / "feed-course"
    if path.is_file():
        return path.read_text().strip()
    word = uuid.uuid4().hex[:10]
    teacher = await client.run(
        journeys.new_account(
            f"chaos-feed-teacher-{word}@chaos.eduplatform.test", PASSWORD, teacher=True
        )
    )
    draft = {"title": f"Chaos feed {word}", "summary": "Enrolled in while feed-builder was killed."}
    course = await client.run(journeys.make_course(teacher.access_token, draft, LESSONS))
    path.write_text(course.id)
    return course.id


async def _enrol(count: int, phase: str) -> list[dict[str, str]]:
    target = Target.load()
    async with httpx.AsyncClient(timeout=15.0) as http:
        client = AsyncHarnessClient(target.api_urls, http)
        course = await _course(client)
        made = []
        for _ in range(count):
            email = f"chaos-feed-{phase}-{uuid.uuid4().hex[:10]}@chaos.eduplatform.test"
            student = await client.run(journeys.new_account(email, PASSWORD))
            await client.run(journeys.enrol(student.access_token, course))
            made.append(
                {"student": subject_of(student.access_token), "course": course, "phase": phase}
            )
    return made


def enrol_students(count: int = 4, phase: str = "up") -> dict[str, Any]:
    """``count`` new students enrol in this run's course through the gateway; recorded."""
    made = asyncio.run(_enrol(count, phase))
    _feeds_path().write_text(json.dumps(_recorded() + made, indent=2))
    if len(made) != count:
        raise InterruptExecution(f"only {len(made)} of {count} students enrolled")
    return mark("students-enrolled", phase=phase, count=count, total=len(_recorded()))


async def _feeds(redis_url: str, prefix: str, students: list[str]) -> dict[str, Any]:
    redis = connect_redis(redis_url, timeout=5.0)
    try:
        found: dict[str, Any] = {}
        for student in students:
            raw = await redis.get(f"{prefix}feed:v1:{student}")
            found[student] = None if raw is None else json.loads(raw)
        return found
    finally:
        await redis.aclose()


def _listed(feed: dict[str, Any] | None, course: str) -> int:
    """How many times ``course`` is in a feed's "continue learning"."""
    if feed is None:
        return 0
    return sum(1 for entry in feed.get("continue_learning", []) if entry.get("course_id") == course)


def feeds_complete(patience_s: float = 30.0) -> dict[str, Any]:
    """Every enrolment this run made is in its student's feed exactly once (waiting up to
    ``patience_s`` for feed-builder to catch up after its restart)."""
    enrolments = _recorded()
    if not enrolments:
        return {"ok": True, "phase": "before the method: nobody enrolled in this run yet"}
    target = Target.load()
    settings = target.data["feeds"]
    students = [e["student"] for e in enrolments]
    started = time.monotonic()
    feeds: dict[str, Any] = {}
    error = None
    while True:
        try:
            feeds = asyncio.run(
                _feeds(target.infrastructure["redis"], settings["prefix"], students)
            )
            error = None
        except Exception as exc:  # any failure to read is a violation, reported
            error = f"{type(exc).__name__}: {exc}"
        counts = [_listed(feeds.get(e["student"]), e["course"]) for e in enrolments]
        if (
            error is None and all(c >= 1 for c in counts)
        ) or time.monotonic() - started > patience_s:
            break
        time.sleep(0.25)
    lost = [e for e, c in zip(enrolments, counts, strict=True) if c == 0]
    duplicated = sum(max(0, c - 1) for c in counts)
    violations = []
    if lost:
        by_phase = sorted({e["phase"] for e in lost})
        violations.append(
            f"{len(lost)} enrolments in no feed (made {by_phase}): {[e['student'] for e in lost][:3]}"
        )
    if duplicated:
        violations.append(f"{duplicated} courses listed more than once in a feed")
    if error:
        violations.append(f"Redis did not answer: {error}")
    report = {
        "ok": not violations,
        "violations": violations,
        "enrolled": len(enrolments),
        "in_feeds": sum(1 for c in counts if c >= 1),
        "lost": len(lost),
        "duplicated": duplicated,
        "settled_in_s": round(time.monotonic() - started, 2),
        "phase": "after the method",
    }
    (run_dir() / "feed-ledger.json").write_text(json.dumps(report, indent=2))
    return report
