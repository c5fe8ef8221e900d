"""Lesson videos (issue 25): teachers upload, enrolled students play, through the gateway.

Before Locust starts, `edu load` has a seeded teacher upload a generated 2-second clip to the
first lesson of the published course with the most enrolments and waits until
video-transcoder made its HLS ladder, and adds an English caption track (load/lesson_video.py);
``EDU_LOAD_LESSON_VIDEO`` names its description (the video, course, lesson, the clip's file and
the captions' file).

- A student plays it as web's lesson page makes a browser do: enrolled in its course first (an
  enrolment the student lacks is made, as the page offers "enrol to watch it"), then
  ``journeys.watch_video``: the signed links (``GET /videos/{video_id}/playback``, which asks
  enrollment whether the caller is enrolled), the poster, the master playlist, its first
  rendition's playlist, that rendition's first segment, the caption track, and a 64 KiB range
  of the original (206).
- A teacher uploads the same clip to a lesson of the course it wrote during the run
  (``journeys.upload_video``: ``POST /videos``, the bytes in ``UPLOAD_CHUNK_BYTES`` chunks each
  with its SHA-256 at its offset, ``POST /videos/{video_id}/complete``), reads the video's
  status once as the edit page does (``GET /videos/{video_id}``) and adds the English caption
  track (``PUT /videos/{video_id}/captions/{language}``). Uploads are rare in real life
  and each is transcoded beside the measured calls: the task weighs little.

Every step is one of ``edu.testing.api_calls``' calls sent through Locust's client and judged by
the statuses the call expects; an answer the journey cannot read is a failure of that request.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from locust import FastHttpUser

from edu.testing import api_calls, journeys
from edu.testing.api_calls import Call
from scenarios.platform import payload, platform, send

T = TypeVar("T")
LESSON_VIDEO = "EDU_LOAD_LESSON_VIDEO"
# A teacher's upload in chunks of 16 KiB: the ~22 KB clip takes two PUTs, the second at the
# offset the first ended (web's page sends 1 MiB chunks: a real lesson's video takes hundreds,
# each costing more than these; the PUT's objective is for this size).
UPLOAD_CHUNK_BYTES = 16 * 1024
RANGE_BYTES = 64 * 1024


@dataclass(frozen=True)
class LessonVideo:
    video_id: str
    course_id: str
    lesson_id: str
    clip: bytes
    captions: bytes


@functools.cache
def lesson_video() -> LessonVideo:
    path = os.environ.get(LESSON_VIDEO)
    if not path:
        raise RuntimeError(f"{LESSON_VIDEO} is not set: run the suite through `edu load`")
    described = json.loads(Path(path).read_text())
    return LessonVideo(
        video_id=str(described["video_id"]),
        course_id=str(described["course_id"]),
        lesson_id=str(described["lesson_id"]),
        clip=Path(described["clip"]).read_bytes(),
        captions=Path(described["captions"]).read_bytes(),
    )


def run_steps(user: FastHttpUser, journey: Generator[Call, Any, T]) -> T | None:
    """Send each call the journey yields through Locust's client; its result, or None once a
    call answered a status it does not expect or an answer the journey could not read (that
    request counts as failed). The journeys read ``.json()``, ``.text`` and ``.content``, which
    Locust's responses have as httpx's do."""
    call = next(journey)
    while True:
        with user.client.request(
            call.method,
            call.url(platform().urls),
            name=call.name,
            headers=call.headers,
            catch_response=True,
            **payload(call),
        ) as response:
            status = int(response.status_code or 0)
            if status not in call.expect:
                response.failure(f"{status}: {_why(response)}")
                journey.close()
                return None
            try:
                call = journey.send(response)
            except StopIteration as finished:
                response.success()
                return cast(T, finished.value)
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                response.failure(f"an answer the player cannot use: {exc!r}")
                journey.close()
                return None
            response.success()


def _why(response: Any) -> str:
    """A refusal's problem+json ``detail`` (its request id left out: Locust groups failures by
    their text), else the start of the body."""
    try:
        detail = response.json().get("detail")
    except (AttributeError, TypeError, ValueError):
        detail = None
    return str(detail) if detail else str(response.text)[:200]


def watch(user: FastHttpUser, token: str) -> journeys.Watched | None:
    """The ready lesson video played by a student enrolled in its course."""
    video = lesson_video()
    return run_steps(user, journeys.watch_video(token, video.video_id, range_bytes=RANGE_BYTES))


def upload(user: FastHttpUser, token: str, course_id: str, lesson_id: str) -> str | None:
    """The clip uploaded to the teacher's lesson, its status read once, its caption track
    added; the video's id."""
    video = lesson_video()
    steps = journeys.upload_video(
        token, course_id, lesson_id, video.clip, chunk_bytes=UPLOAD_CHUNK_BYTES
    )
    video_id = run_steps(user, steps)
    if video_id is not None:
        send(user, api_calls.video(token, video_id))
        send(user, api_calls.put_captions(token, video_id, "en", video.captions, "English"))
    return video_id
