"""Lesson videos (issue 25): a teacher uploads one on the lesson's edit page (a plain form; web
relays the file to video-processor in checksummed 1 MiB chunks) and sees it transcode or fail
with the reason; the lesson page plays it for the teacher and enrolled students (HLS, which
Debian's Chromium plays natively, with the original MP4 as the fallback source).

The lesson keeps which video it shows in its ``video_url``: web's own ``/watch/<video id>``
(an http(s) link as course requires, and a working one: it sends a viewer to the original)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from fastapi import APIRouter, UploadFile
from fastapi.responses import Response

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.clients.models import Lesson, LessonDraft
from edu.web.clients.videos import VideoStatus
from edu.web.forms import FormErrors
from edu.web.pages.deps import SignedInDep, WebDep
from edu.web.pages.rendering import see_other
from edu.web.session import Member, Visitor

router = APIRouter()

# The one path whose body may be a whole video (EDU_VIDEO_UPLOAD_MAX_BYTES); see pages.app.
UPLOAD_PATH = re.compile(r"^/teach/courses/[^/]+/lessons/[^/]+/video$")
WATCH_PREFIX = "/watch/"
# What video-processor answers about a file, said next to the form's file field.
REFUSED_UPLOAD = (403, 409, 413, 415, 422)


def watch_url(wired: WebContainer, video_id: UUID) -> str:
    """The lesson's ``video_url`` for a video uploaded here."""
    return wired.settings.public_url(f"{WATCH_PREFIX}{video_id}")


def hosted_video(wired: WebContainer, video_url: str | None) -> UUID | None:
    """The id of the uploaded video a lesson's ``video_url`` names; None for any other link."""
    prefix = wired.settings.public_url(WATCH_PREFIX)
    if not video_url or not video_url.startswith(prefix):
        return None
    try:
        return UUID(video_url.removeprefix(prefix))
    except ValueError:
        return None


@dataclass(frozen=True)
class Player:
    """What a lesson page shows of its uploaded video: ``ready`` (the sources), ``processing``,
    ``failed``, ``sign-in``, ``not-allowed`` (not enrolled) or ``unavailable``."""

    state: str
    hls_url: str | None = None
    original_url: str | None = None
    poster_url: str | None = None
    progress: int = 0


async def player_for(wired: WebContainer, who: Visitor, lesson: Lesson) -> Player | None:
    """The player of the lesson's uploaded video for this visitor (None: no uploaded video)."""
    video_id = hosted_video(wired, lesson.video_url)
    if video_id is None:
        return None
    if who.token is None:
        return Player("sign-in")
    try:
        links = await wired.videos.playback(who.token, video_id)
    except ServiceUnavailable:
        return Player("unavailable")
    except ProblemError as problem:
        return Player("processing" if problem.status == 409 else "not-allowed")
    base = wired.settings.video_base_url
    video = links.video
    if video.status == "failed":
        return Player("failed")
    if links.master_playlist_url is None:
        return Player("processing", progress=video.progress_percent)
    return Player(
        "ready",
        hls_url=base + links.master_playlist_url,
        original_url=base + links.original_url,
        poster_url=base + links.poster_url if links.poster_url else None,
    )


async def status_for(wired: WebContainer, token: str, video_url: str | None) -> VideoStatus | None:
    """Where the lesson's uploaded video stands, for its teacher's edit page."""
    video_id = hosted_video(wired, video_url)
    if video_id is None:
        return None
    try:
        return await wired.videos.video(token, video_id)
    except (ProblemError, ServiceUnavailable):
        return None


async def upload(
    wired: WebContainer, who: Member, course_id: UUID, lesson_id: UUID, file: UploadFile | None
) -> FormErrors | None:
    """Upload the lesson's video and point the lesson at it; what is wrong with the file
    otherwise (said next to the form's file field)."""
    errors = FormErrors()
    if file is None or not file.filename or file.size == 0:
        errors.add("video", "Choose a video file (MP4, WebM or QuickTime) to upload.")
        return errors
    course = await wired.course.teaching_course(who.token, course_id)
    lesson = next((x for x in course.lessons if x.id == lesson_id), None)
    if lesson is None:
        raise ProblemError(404, "Not found", "This course has no lesson with that id.")
    content_type = file.content_type or "application/octet-stream"
    try:
        uploaded = await wired.videos.upload(
            who.token, course_id, lesson_id, content_type, file.file
        )
    except ProblemError as problem:
        if problem.status not in REFUSED_UPLOAD:
            raise
        errors.add("video", problem.message)
        return errors
    draft = LessonDraft(
        title=lesson.title,
        body_markdown=lesson.body_markdown,
        estimated_minutes=lesson.estimated_minutes,
        video_url=watch_url(wired, uploaded.id),
    )
    await wired.course.update_lesson(who.token, course_id, lesson_id, draft)
    return None


@router.get("/watch/{video_id}")
async def watch(video_id: UUID, wired: WebDep, who: SignedInDep) -> Response:
    """The uploaded original (plays in any browser, byte ranges and all) for someone who may
    watch it; the lesson page plays the HLS ladder."""
    links = await wired.videos.playback(who.token, video_id)
    return see_other(wired.settings.video_base_url + links.original_url)
