"""The platform under load: the code behind `just dev`, on free ports, seeded.

`edu.cli.dev.start_isolated_stack` starts its own PostgreSQL, NATS, Redis and mail sink, the
services the scenarios call and the api-gateway in front of them (ADR 0016), each as `edu dev`
runs it (one uvicorn worker; the Rust binaries, the gateway's and event-ingestion's, built
first) but without hot reload; a running `just dev` is left alone. The learning path (issue 21)
runs too: event-ingestion takes the students' learning events, analytics-aggregator folds them
into the analytics database and analytics-api serves the teachers' figures. Course Q&A (issue
24) runs too: messaging (its WebSockets and posts) and moderation, which allows the posts before
messaging shows them. Then `edu seed`
writes the profile's seed size through the use cases (the learning-event history through the
aggregator's), the stack waits until the services' relays have published what the seed queued
and until the aggregator knows every published course's owner (analytics-api answers a teacher
404 before that) and until messaging has learnt every seeded enrolment (it refuses a student
it has not heard of), so the load starts on a quiet platform.

Locust reaches the services the way a client does, through the gateway
(``locust_environment()``); ``locust_environment(direct=True)`` gives the services' own ports,
for the side-by-side comparison (`edu load gateway`).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from edu.cli.dev import start_isolated_stack
from edu.cli.env import repository_root
from edu.cli.seed import seed_argv
from edu.infra.databases import with_database
from edu.infra.isolated_stack import IsolatedStack

# The services the scenarios call and the front door they are called through, and the worker
# that folds the learning events; the others (web, notifications, email-sender) would only take
# CPU from the two cores the measurement runs on. The services with an outbox (the stack drains
# it after seeding) are the first three.
OUTBOX_SERVICES = frozenset({"identity", "course", "enrollment"})
EVENT_INGESTION = "event-ingestion"
ANALYTICS_API = "analytics-api"
AGGREGATOR = "analytics-aggregator"
# The catalogue's search (issue 23): the visitors search through it; it indexes what the
# course service's relay publishes (the seeded catalogue included).
SEARCH = "search"
# Course Q&A (issue 24): the Q&A listeners hold WebSockets on messaging and the posters post
# through it; a post is shown once moderation allowed it (ADR 0027), so moderation runs too.
MESSAGING = "messaging"
MODERATION = "moderation"
# The teachers' "Needs attention" page (issue 24): teacher-tools' dashboard, which asks
# messaging, moderation and its own read model; and moderation's review queue.
TEACHER_TOOLS = "teacher-tools"
# Lesson videos (issue 25): teachers upload through video-processor, students play a ready
# video's signed files from it; video-transcoder makes the ladder of the video the stack
# uploads before the run (load/lesson_video.py) and of the few the teachers upload during it,
# on one thread (ffmpeg's own), so that it takes at most one of the two cores.
VIDEO_PROCESSOR = "video-processor"
TRANSCODER = "video-transcoder"
TRANSCODER_THREADS = 1
API_SERVICES = OUTBOX_SERVICES | {
    EVENT_INGESTION,
    ANALYTICS_API,
    SEARCH,
    MESSAGING,
    MODERATION,
    TEACHER_TOOLS,
    VIDEO_PROCESSOR,
}
GATEWAY = "api-gateway"
LOAD_SERVICES = API_SERVICES | {GATEWAY, AGGREGATOR, MODERATION, TRANSCODER}
ANALYTICS_DATABASE = "analytics"
LESSON_VIDEO_VARIABLE = "EDU_LOAD_LESSON_VIDEO"  # what load/scenarios/videos.py reads


@dataclass(frozen=True)
class LoadStack:
    stack: IsolatedStack
    manifest: Path
    lesson_video: Path  # load/lesson_video.py's description of the ready video

    @property
    def postgres(self) -> str:
        return self.stack.infrastructure["postgres"]

    @property
    def analytics_database(self) -> str:
        return with_database(self.postgres, ANALYTICS_DATABASE)

    @property
    def gateway_url(self) -> str:
        return self.stack.service_urls[GATEWAY]

    def api_urls(self, *, direct: bool = False) -> dict[str, str]:
        """Where a client reaches each API service: the gateway's URL (it routes by path
        prefix), or with ``direct`` each service's own port."""
        urls = self.stack.service_urls
        return {name: urls[name] if direct else urls[GATEWAY] for name in sorted(API_SERVICES)}

    def locust_environment(self, *, direct: bool = False) -> dict[str, str]:
        """What load/scenarios/platform.py reads: ``EDU_<SERVICE>_SERVICE_URL`` per API service
        (through the gateway unless ``direct``) and the seed manifest."""
        env = {
            f"EDU_{name.upper().replace('-', '_')}_SERVICE_URL": url
            for name, url in self.api_urls(direct=direct).items()
        }
        return {
            **env,
            "EDU_SEED_MANIFEST": str(self.manifest),
            LESSON_VIDEO_VARIABLE: str(self.lesson_video),
        }


@contextmanager
def load_stack(
    folder: Path,
    seed_size: str,
    *,
    say: Callable[[str], None],
    extra_env: Mapping[str, str] | None = None,
    own_env: Mapping[str, Mapping[str, str]] | None = None,
) -> Iterator[LoadStack]:
    started = time.monotonic()
    # identity's per-address sign-up limit is lifted for every test stack (TEST_STACK_ENV):
    # the simulated users are all 127.0.0.1 and the load measures the sign-up's cost.
    env = dict(extra_env or {})
    with start_isolated_stack(
        folder,
        only=LOAD_SERVICES,
        reload=False,
        say=say,
        extra_env=env,
        own_env=with_transcoder_env(folder, own_env),
    ) as stack:
        say(f"stack up in {time.monotonic() - started:.1f} s: {stack.service_urls}")
        manifest = folder / "seed-manifest.json"
        seeding = time.monotonic()
        done = subprocess.run(
            seed_argv(seed_size, stack.infrastructure["postgres"], manifest),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{done.stdout}{done.stderr}")
        say(done.stdout.strip())
        say(f"seed {seed_size} in {time.monotonic() - seeding:.1f} s")
        waited = asyncio.run(wait_for_outboxes(stack.infrastructure["postgres"]))
        say(f"outboxes drained in {waited:.1f} s")
        waited, known, published = asyncio.run(
            wait_for_course_owners(stack.infrastructure["postgres"])
        )
        say(f"the aggregator knows {known} of {published} published courses after {waited:.1f} s")
        waited, known, enrolled = asyncio.run(
            wait_for_messaging_members(stack.infrastructure["postgres"])
        )
        say(f"messaging knows {known} of {enrolled} enrolments after {waited:.1f} s")
        lesson_video = prepare_lesson_video(stack, manifest, folder / "lesson-video", say=say)
        yield LoadStack(stack, manifest, lesson_video)


def with_transcoder_env(
    folder: Path, own_env: Mapping[str, Mapping[str, str]] | None
) -> dict[str, Mapping[str, str]]:
    """The caller's per-process settings, and the transcoder's: one ffmpeg thread, its work
    folder under the stack's (removed with it)."""
    transcoder = {
        "EDU_TRANSCODE_THREADS": str(TRANSCODER_THREADS),
        "EDU_VIDEO_WORK_DIR": str(folder.resolve() / "video-work"),
    }
    merged = dict(own_env or {})
    merged[TRANSCODER] = {**transcoder, **merged.get(TRANSCODER, {})}
    return merged


def prepare_lesson_video(
    stack: IsolatedStack, manifest: Path, out: Path, *, say: Callable[[str], None]
) -> Path:
    """One ready lesson video before the run: load/lesson_video.py has the teacher of the
    published course with the most enrolments upload a generated clip to its first lesson
    through the gateway, and waits until it is transcoded; returns its description's path."""
    started = time.monotonic()
    course, lesson, teacher = asyncio.run(most_enrolled_course(stack.infrastructure["postgres"]))
    password = json.loads(manifest.read_text())["password"]
    script = repository_root() / "load" / "lesson_video.py"
    argv = [sys.executable, str(script), "--gateway", stack.service_urls[GATEWAY]]
    argv += ["--teacher", teacher, "--password", str(password), "--course", course]
    argv += ["--lesson", lesson, "--out", str(out)]
    done = subprocess.run(
        argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the lesson video failed:\n{done.stdout}{done.stderr}")
    described = out / "lesson-video.json"
    seconds = json.loads(described.read_text())["seconds"]
    say(
        f"lesson video ready in {time.monotonic() - started:.1f} s (clip {seconds['clip']} s, "
        f"upload {seconds['upload']} s, transcoded {seconds['ready']} s)"
    )
    return described


async def most_enrolled_course(server_url: str) -> tuple[str, str, str]:
    """The published course with the most enrolments that has a lesson: its id, its first
    lesson's id and its teacher's email."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    enrollment = create_async_engine(with_database(server_url, "enrollment"))
    course = create_async_engine(with_database(server_url, "course"))
    identity = create_async_engine(with_database(server_url, "identity"))
    try:
        async with enrollment.connect() as conn:
            counted = await conn.execute(
                text("SELECT course_id FROM enrollments GROUP BY course_id ORDER BY count(*) DESC")
            )
            ranked = [str(row[0]) for row in counted]
        async with course.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT c.id, c.teacher_id, (SELECT l.id FROM lessons l WHERE "
                    "l.course_id = c.id ORDER BY l.position LIMIT 1) FROM courses c "
                    "WHERE c.status = 'published'"
                )
            )
            published = {str(row[0]): (str(row[2]), row[1]) for row in found if row[2]}
        chosen = next((c for c in ranked if c in published), None) or next(iter(published))
        lesson, teacher_id = published[chosen]
        async with identity.connect() as conn:
            email = await conn.scalar(
                text("SELECT email FROM users WHERE id = :id"), {"id": teacher_id}
            )
    finally:
        for engine in (enrollment, course, identity):
            await engine.dispose()
    return chosen, lesson, str(email)


async def wait_for_outboxes(server_url: str, patience: float = 60.0) -> float:
    """Until no service has unpublished events (or ``patience`` s); returns the seconds waited."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    started = time.monotonic()
    engines = [create_async_engine(with_database(server_url, name)) for name in OUTBOX_SERVICES]
    try:
        while time.monotonic() - started < patience:
            pending = 0
            for engine in engines:
                async with engine.connect() as conn:
                    found = await conn.scalar(
                        text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                    )
                    pending += int(found or 0)
            if pending == 0:
                break
            await asyncio.sleep(0.5)
    finally:
        for engine in engines:
            await engine.dispose()
    return time.monotonic() - started


async def wait_for_course_owners(server_url: str, patience: float = 30.0) -> tuple[float, int, int]:
    """Until analytics-aggregator has folded every published course's owner from course's
    events (or ``patience`` s); returns the seconds waited, the courses it knows and the
    published ones."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    started = time.monotonic()
    course = create_async_engine(with_database(server_url, "course"))
    analytics = create_async_engine(with_database(server_url, ANALYTICS_DATABASE))
    known = published = 0
    try:
        async with course.connect() as conn:
            found = await conn.scalar(
                text("SELECT count(*) FROM courses WHERE status = 'published'")
            )
            published = int(found or 0)
        while time.monotonic() - started < patience:
            async with analytics.connect() as conn:
                known = int(await conn.scalar(text("SELECT count(*) FROM course_owners")) or 0)
            if known >= published:
                break
            await asyncio.sleep(0.2)
    finally:
        await course.dispose()
        await analytics.dispose()
    return time.monotonic() - started, known, published


async def wait_for_messaging_members(
    server_url: str, patience: float = 30.0
) -> tuple[float, int, int]:
    """Until messaging has learnt every seeded enrolment from enrollment's events (it answers
    403 to a student it has not heard of yet), or ``patience`` s; returns the seconds waited,
    the enrolments messaging knows and enrollment's."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    started = time.monotonic()
    enrollment = create_async_engine(with_database(server_url, "enrollment"))
    messaging = create_async_engine(with_database(server_url, MESSAGING))
    known = enrolled = 0
    try:
        async with enrollment.connect() as conn:
            enrolled = int(await conn.scalar(text("SELECT count(*) FROM enrollments")) or 0)
        while time.monotonic() - started < patience:
            async with messaging.connect() as conn:
                known = int(await conn.scalar(text("SELECT count(*) FROM enrolments")) or 0)
            if known >= enrolled:
                break
            await asyncio.sleep(0.2)
    finally:
        await enrollment.dispose()
        await messaging.dispose()
    return time.monotonic() - started, known, enrolled
