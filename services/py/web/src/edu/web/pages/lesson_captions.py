"""Caption tracks of a lesson's uploaded video (issue 25): the teacher adds a WebVTT file per
language on the lesson's edit page (a form of its own beside the video upload), and the lesson
page's player gets one ``<track kind="captions">`` per track.

A track's ``src`` is the signed, expiring link video-processor handed out with the playback
links (``/play/<expires>/<signature>/<video>/captions/<lang>.vtt``), kept as a path on the
page's own origin: a browser loads a cross-origin ``<track>`` only with CORS, which the
api-gateway refuses (one origin for pages and APIs). Where the gateway is in front of web
(``EDU_PUBLIC_BASE_URL``) it routes ``/play`` to video-processor itself; where web is reached
directly (dev, test stacks) :func:`signed_captions` below relays the same signed path, and
video-processor checks its signature and expiry as ever."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, UploadFile
from fastapi.responses import Response

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.clients.videos import CaptionLink
from edu.web.forms import FormErrors
from edu.web.pages.deps import WebDep
from edu.web.pages.lesson_videos import hosted_video
from edu.web.session import Member

router = APIRouter()

# What video-processor answers about a captions file, said next to the form's fields.
REFUSED = (404, 409, 413, 415, 422)
MAX_BYTES = 512 * 1024


async def captions_for(
    wired: WebContainer, token: str, video_url: str | None
) -> tuple[CaptionLink, ...] | None:
    """The tracks of the lesson's uploaded video for its teacher's edit page; None when the
    lesson has no uploaded video (no captions form then) or its links cannot be had yet."""
    video_id = hosted_video(wired, video_url)
    if video_id is None:
        return None
    try:
        return (await wired.videos.playback(token, video_id)).captions
    except ProblemError:
        return ()  # still uploading: the form is there, nothing stored yet
    except ServiceUnavailable:
        return None


async def add_captions(
    wired: WebContainer,
    who: Member,
    course_id: UUID,
    lesson_id: UUID,
    language: str,
    label: str,
    file: UploadFile | None,
) -> FormErrors | None:
    """Store the track on the lesson's uploaded video; what is wrong otherwise (said next to
    the captions form's fields)."""
    errors = FormErrors()
    course = await wired.course.teaching_course(who.token, course_id)
    lesson = next((x for x in course.lessons if x.id == lesson_id), None)
    if lesson is None:
        raise ProblemError(404, "Not found", "This course has no lesson with that id.")
    video_id = hosted_video(wired, lesson.video_url)
    if video_id is None:
        errors.add("captions", "Upload the lesson's video first; captions belong to a video.")
        return errors
    if not language.strip():
        errors.add("language", "Enter the captions' language code, such as en or el.")
    if file is None or not file.filename or file.size == 0:
        errors.add("captions", "Choose a WebVTT captions file (.vtt).")
    if errors or file is None:
        return errors
    vtt = await file.read(MAX_BYTES + 1)
    try:
        await wired.videos.put_captions(
            who.token, video_id, language.strip(), label.strip() or None, vtt
        )
    except ProblemError as problem:
        if problem.status not in REFUSED:
            raise
        for field_name, messages in problem.field_errors.items():
            target = "language" if field_name == "language" else "captions"
            for message in messages:
                errors.add(target, _sentence(message))
        if not errors:
            errors.add("captions", problem.message)
        return errors
    return None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


@router.get("/play/{expires}/{signature}/{video_id}/captions/{file}")
async def signed_captions(
    expires: str, signature: str, video_id: UUID, file: str, wired: WebDep
) -> Response:
    """The signed captions link on web's origin (see the module's docstring): relayed as it
    is; the signature is the permission, so no session is needed (as at the gateway)."""
    path = f"/play/{expires}/{signature}/{video_id}/captions/{file}"
    vtt = await wired.videos.signed_captions(path)
    return Response(
        vtt,
        media_type="text/vtt; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
