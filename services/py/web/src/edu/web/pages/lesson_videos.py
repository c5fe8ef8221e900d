"""Lesson videos (issue 25): a teacher uploads one on the lesson's edit page and sees it
transcode or fail with the reason. Without JavaScript the page's plain form posts the whole file
and web relays it to video-processor in checksummed 1 MiB chunks; with it, static/video-upload.js
sends the chunks itself, each with the SHA-256 the browser computed, through web's JSON
``…/video/uploads`` calls below (same origin, the session's cookie and the page's CSRF token;
web adds the teacher's access token and relays each chunk as it came), and resumes an
interrupted upload where video-processor says it stands. The lesson page the lesson page plays it for the teacher and enrolled students (HLS, which
Debian's Chromium plays natively, with the original MP4 as the fallback source).

The lesson keeps which video it shows in its ``video_url``: web's own ``/watch/<video id>``
(an http(s) link as course requires, and a working one: it sends a viewer to the original)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import ClientDisconnect

from edu.common.http_problems import problem_response
from edu.common.problems import FieldProblem
from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import NotSignedIn, ProblemError, ServiceUnavailable, TooManyAttempts
from edu.web.clients.models import Lesson, LessonDraft
from edu.web.clients.videos import CHUNK_BYTES, CaptionLink, VideoStatus
from edu.web.csrf import CSRF_COOKIE, CsrfRejected, session_of
from edu.web.forms import FormErrors
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep
from edu.web.pages.flash import redirect_with
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
    # One <track kind="captions"> each: src is the signed path on the page's origin
    # (pages.lesson_captions says why)
    captions: tuple[CaptionLink, ...] = ()


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
        captions=links.captions,
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
    await _show_in_lesson(wired, who, course_id, lesson, uploaded.id)
    return None


async def _show_in_lesson(
    wired: WebContainer, who: Member, course_id: UUID, lesson: Lesson, video_id: UUID
) -> None:
    draft = LessonDraft(
        title=lesson.title,
        body_markdown=lesson.body_markdown,
        estimated_minutes=lesson.estimated_minutes,
        video_url=watch_url(wired, video_id),
    )
    await wired.course.update_lesson(who.token, course_id, lesson.id, draft)


# --- The upload script's calls (static/video-upload.js) -------------------------------------
# JSON for the script, never pages: the video's upload state (id, status, size_bytes,
# received_bytes) or problem+json with the service's detail (413/415 a refused file, 409 an
# offset the upload does not stand at, 422 a checksum the bytes do not match, 401 signed out,
# 403 a stale page's CSRF token, 503 with Retry-After when video-processor does not answer).

UPLOADS = "/teach/courses/{course_id}/lessons/{lesson_id}/video/uploads"
CSRF_HEADER = "X-CSRF-Token"
NO_STORE = {"Cache-Control": "no-store"}


class _Declared(BaseModel):
    model_config = ConfigDict(extra="forbid")

    size_bytes: int = Field(ge=0)
    content_type: str = Field(max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


def _state(video: VideoStatus, status_code: int = 200, **extra: str) -> JSONResponse:
    fields = {"id", "status", "size_bytes", "received_bytes"}
    body = {**video.model_dump(mode="json", include=fields), **extra}
    return JSONResponse(body, status_code=status_code, headers=NO_STORE)


def _relayed(problem: Exception) -> Response:
    """What a service call failed with, as problem+json for the script."""
    if isinstance(problem, NotSignedIn):
        return problem_response(401, "Your session has ended: log in again, then upload again.")
    if isinstance(problem, ProblemError):
        errors = tuple(
            FieldProblem(name, message)
            for name, messages in problem.field_errors.items()
            for message in messages
        )
        detail = problem.detail or (errors[0].message if errors else problem.title)
        return problem_response(problem.status, detail, errors=errors, headers=NO_STORE)
    if isinstance(problem, TooManyAttempts):
        return problem_response(
            429,
            problem.detail or "Too many requests.",
            headers={"Retry-After": str(problem.retry_after)},
        )
    return problem_response(
        503,
        "Video uploads are not answering just now; the upload goes on when they are back.",
        headers={"Retry-After": "2"},
    )


RELAYED = (ProblemError, ServiceUnavailable, TooManyAttempts)


def _teacher_asking(request: Request, wired: WebContainer, who: Visitor) -> Member | Response:
    """The signed-in teacher whose page's CSRF token came with an unsafe call, else the problem."""
    member = who.member()
    if member is None:
        return problem_response(401, "Your session has ended: log in again, then upload again.")
    if not member.is_teacher:
        return problem_response(403, "Only teachers upload lesson videos.")
    if request.method not in ("GET", "HEAD"):
        try:
            token = request.headers.get(CSRF_HEADER)
            wired.csrf.check(request.cookies.get(CSRF_COOKIE), token, session_of(member.principal))
        except CsrfRejected as stale:
            return problem_response(403, f"This page is out of date ({stale}): reload it.")
    return member


@router.post(UPLOADS, response_model=None)
async def declare_upload(
    request: Request, course_id: UUID, lesson_id: UUID, wired: WebDep, who: VisitorDep
) -> Response:
    """Declare the file (size, type, the whole file's SHA-256): a 413/415 refuses it here,
    before a byte is sent."""
    member = _teacher_asking(request, wired, who)
    if isinstance(member, Response):
        return member
    try:
        declared = _Declared.model_validate_json(await request.body())
    except ValidationError as bad:
        problems = tuple(
            FieldProblem(".".join(str(p) for p in error["loc"]), error["msg"])
            for error in bad.errors()
        )
        return problem_response(422, "Some values are not valid.", errors=problems)
    if declared.size_bytes == 0:
        return problem_response(422, "The file is empty: choose a video file to upload.")
    try:
        course = await wired.course.teaching_course(member.token, course_id)
        if not any(x.id == lesson_id for x in course.lessons):
            return problem_response(404, "This course has no lesson with that id.")
        video = await wired.videos.declare(
            member.token,
            course_id,
            lesson_id,
            declared.content_type,
            declared.size_bytes,
            declared.sha256.lower(),
        )
    except RELAYED as problem:
        return _relayed(problem)
    return _state(video, 201)


@router.get(UPLOADS + "/{video_id}", response_model=None)
async def upload_state(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    video_id: UUID,
    wired: WebDep,
    who: VisitorDep,
) -> Response:
    """Where the upload stands: ``received_bytes`` is where the next chunk starts."""
    member = _teacher_asking(request, wired, who)
    if isinstance(member, Response):
        return member
    try:
        video = await wired.videos.video(member.token, video_id)
    except RELAYED as problem:
        return _relayed(problem)
    if (video.course_id, video.lesson_id) != (course_id, lesson_id):
        return problem_response(404, "No such upload for this lesson.")
    return _state(video)


@router.put(UPLOADS + "/{video_id}/content", response_model=None)
async def upload_chunk(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    video_id: UUID,
    offset: int,
    wired: WebDep,
    who: VisitorDep,
) -> Response:
    """One chunk at ``offset``, relayed as it came with the browser's ``Chunk-SHA256`` (web
    holds one chunk, at most :data:`CHUNK_BYTES`, never the file)."""
    member = _teacher_asking(request, wired, who)
    if isinstance(member, Response):
        return member
    checksum = request.headers.get("Chunk-SHA256", "").strip()
    if not checksum:
        problem = FieldProblem("Chunk-SHA256", "the chunk's SHA-256 as 64 hex digits")
        return problem_response(422, "Some values are not valid.", errors=(problem,))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > CHUNK_BYTES:
        return problem_response(413, f"A chunk is at most {CHUNK_BYTES} bytes.")
    try:
        chunk = await request.body()
    except ClientDisconnect:
        return Response(status_code=400)
    if len(chunk) > CHUNK_BYTES:
        return problem_response(413, f"A chunk is at most {CHUNK_BYTES} bytes.")
    try:
        video = await wired.videos.put_chunk(member.token, video_id, offset, chunk, checksum)
    except RELAYED as problem:
        return _relayed(problem)
    return _state(video)


@router.post(UPLOADS + "/{video_id}/complete", response_model=None)
async def complete_upload(
    request: Request,
    course_id: UUID,
    lesson_id: UUID,
    video_id: UUID,
    wired: WebDep,
    who: VisitorDep,
) -> Response:
    """Every byte arrived: video-processor checks the whole file's SHA-256, and the lesson
    shows the video; ``location`` is the edit page to go back to (it says so)."""
    member = _teacher_asking(request, wired, who)
    if isinstance(member, Response):
        return member
    try:
        course = await wired.course.teaching_course(member.token, course_id)
        lesson = next((x for x in course.lessons if x.id == lesson_id), None)
        video = await wired.videos.video(member.token, video_id)
        if lesson is None or (video.course_id, video.lesson_id) != (course_id, lesson_id):
            return problem_response(404, "No such upload for this lesson.")
        if video.status == "uploading":
            video = await wired.videos.complete(member.token, video_id)
        await _show_in_lesson(wired, member, course_id, lesson, video_id)
    except RELAYED as problem:
        return _relayed(problem)
    editor = f"/teach/courses/{course_id}/lessons/{lesson_id}"
    answer = _state(video, location=editor)
    flash = redirect_with(wired, editor, "video-uploaded")
    answer.headers.append("set-cookie", flash.headers["set-cookie"])
    return answer


@router.get("/watch/{video_id}")
async def watch(video_id: UUID, wired: WebDep, who: SignedInDep) -> Response:
    """The uploaded original (plays in any browser, byte ranges and all) for someone who may
    watch it; the lesson page plays the HLS ladder."""
    links = await wired.videos.playback(who.token, video_id)
    return see_other(wired.settings.video_base_url + links.original_url)
