"""FakeVideoClient: uploads kept in memory as video-processor keeps them — only a course's teacher
uploads, only the video's teacher sees its status, and links go to the teacher and the students
enrolled in the course (anyone else 403, as the service answers). ``transcoded`` / ``failed``
play the transcoder's verdict."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import BinaryIO
from uuid import UUID, uuid4

from edu.web.clients.errors import ProblemError
from edu.web.clients.videos import Caption, CaptionLink, Playback, VideoStatus, file_sha256
from edu.web.testing.enrollment import FakeEnrollmentClient
from edu.web.testing.switch import Switchable, caller_of

TYPES = ("video/mp4", "video/webm", "video/quicktime")
NO_SUCH_VIDEO = ProblemError(404, "Not found", "No such video.")


@dataclass
class FakeVideoClient(Switchable):
    enrollments: FakeEnrollmentClient
    name: str = "video-processor"
    max_bytes: int = 2 * 1024**3
    videos: dict[UUID, VideoStatus] = field(default_factory=dict)
    uploaded: dict[UUID, bytes] = field(default_factory=dict)
    teachers: dict[UUID, UUID] = field(default_factory=dict)
    # Declared uploads: the whole file's SHA-256 and the bytes received so far.
    declared_sha256: dict[UUID, str] = field(default_factory=dict)
    received: dict[UUID, bytearray] = field(default_factory=dict)
    chunks: list[tuple[UUID, int, int]] = field(default_factory=list)  # (video, offset, length)
    # Caption tracks: (video, language) -> (label, the WebVTT file)
    captions: dict[tuple[UUID, str], tuple[str, bytes]] = field(default_factory=dict)

    def transcoded(self, video_id: UUID) -> None:
        self._set(video_id, status="ready", progress_percent=100, duration_ms=2000)

    def progressed(self, video_id: UUID, percent: int) -> None:
        self._set(video_id, progress_percent=percent)

    def failed(self, video_id: UUID, reason: str) -> None:
        self._set(video_id, status="failed", failure_reason=reason)

    def _set(self, video_id: UUID, **changes: object) -> None:
        self.videos[video_id] = self.videos[video_id].model_copy(update=changes)

    async def upload(
        self, token: str, course_id: UUID, lesson_id: UUID, content_type: str, file: BinaryIO
    ) -> VideoStatus:
        self.answer()
        teacher = caller_of(self.enrollments.courses.verifier, token)
        await self.enrollments.courses.teaching_course(token, course_id)  # 403/404 as course
        if content_type not in TYPES:
            detail = f"{content_type} is not a video type this site takes."
            raise ProblemError(415, "Unsupported Media Type", detail)
        _, size = file_sha256(file)
        if size == 0:
            raise ProblemError(422, "Invalid input", "", {"size_bytes": ("The file is empty.",)})
        if size > self.max_bytes:
            raise ProblemError(413, "Payload Too Large", f"At most {self.max_bytes} bytes.")
        video = VideoStatus(
            id=uuid4(),
            course_id=course_id,
            lesson_id=lesson_id,
            status="processing",
            size_bytes=size,
            received_bytes=size,
            progress_percent=0,
        )
        file.seek(0)
        self.videos[video.id] = video
        self.uploaded[video.id] = file.read()
        self.teachers[video.id] = teacher
        return video

    async def declare(
        self,
        token: str,
        course_id: UUID,
        lesson_id: UUID,
        content_type: str,
        size: int,
        sha256: str,
    ) -> VideoStatus:
        self.answer()
        teacher = caller_of(self.enrollments.courses.verifier, token)
        await self.enrollments.courses.teaching_course(token, course_id)
        if content_type not in TYPES:
            detail = f"{content_type} is not a video type this site takes."
            raise ProblemError(415, "Unsupported Media Type", detail)
        if size <= 0:
            raise ProblemError(422, "Invalid input", "", {"size_bytes": ("The file is empty.",)})
        if size > self.max_bytes:
            raise ProblemError(413, "Payload Too Large", f"At most {self.max_bytes} bytes.")
        video = VideoStatus(
            id=uuid4(),
            course_id=course_id,
            lesson_id=lesson_id,
            status="uploading",
            size_bytes=size,
            received_bytes=0,
            progress_percent=0,
        )
        self.videos[video.id] = video
        self.teachers[video.id] = teacher
        self.declared_sha256[video.id] = sha256
        self.received[video.id] = bytearray()
        return video

    async def put_chunk(
        self, token: str, video_id: UUID, offset: int, chunk: bytes, sha256: str
    ) -> VideoStatus:
        video = await self.video(token, video_id)
        if video.status != "uploading":
            raise ProblemError(409, "Conflict", "The upload is complete.")
        if offset != video.received_bytes:
            detail = f"The next chunk starts at byte {video.received_bytes}, not {offset}."
            raise ProblemError(409, "Conflict", detail)
        if hashlib.sha256(chunk).hexdigest() != sha256:
            raise ProblemError(422, "Invalid input", "The chunk does not match its SHA-256.")
        if offset + len(chunk) > video.size_bytes:
            raise ProblemError(413, "Payload Too Large", "The chunk goes past the declared size.")
        self.chunks.append((video_id, offset, len(chunk)))
        self.received[video_id] += chunk
        self._set(video_id, received_bytes=offset + len(chunk))
        return self.videos[video_id]

    async def complete(self, token: str, video_id: UUID) -> VideoStatus:
        video = await self.video(token, video_id)
        data = bytes(self.received[video_id])
        if video.received_bytes != video.size_bytes:
            raise ProblemError(409, "Conflict", "Not every byte has arrived.")
        if hashlib.sha256(data).hexdigest() != self.declared_sha256[video_id]:
            raise ProblemError(422, "Invalid input", "The file does not match its SHA-256.")
        self.uploaded[video_id] = data
        self._set(video_id, status="processing")
        return self.videos[video_id]

    async def video(self, token: str, video_id: UUID) -> VideoStatus:
        self.answer()
        caller = caller_of(self.enrollments.courses.verifier, token)
        if video_id not in self.videos or self.teachers.get(video_id) != caller:
            raise NO_SUCH_VIDEO
        return self.videos[video_id]

    async def playback(self, token: str, video_id: UUID) -> Playback:
        self.answer()
        video = self.videos.get(video_id)
        if video is None:
            raise NO_SUCH_VIDEO
        caller = caller_of(self.enrollments.courses.verifier, token)
        enrolled = any(
            e.course_id == video.course_id for e in await self.enrollments.enrollments(token)
        )
        if caller != self.teachers[video_id] and not enrolled:
            raise ProblemError(403, "Forbidden", "Only the course's students may watch.")
        signed = f"/play/4102444800/c2lnbmVk/{video_id}"
        ready = video.status == "ready"
        tracks = tuple(
            CaptionLink(language=language, label=label, url=f"{signed}/captions/{language}.vtt")
            for (video, language), (label, _) in sorted(self.captions.items())
            if video == video_id
        )
        return Playback(
            video=video,
            expires_at=4102444800,
            master_playlist_url=f"{signed}/hls/master.m3u8" if ready else None,
            poster_url=f"{signed}/hls/poster.jpg" if ready else None,
            original_url=f"{signed}/original",
            captions=tracks,
        )

    async def put_captions(
        self, token: str, video_id: UUID, language: str, label: str | None, vtt: bytes
    ) -> tuple[Caption, ...]:
        """As video-processor checks a track: 422 a language that is no code, a file that is
        not UTF-8 or does not start with WEBVTT; 413 over 512 KiB."""
        await self.video(token, video_id)
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
            raise ProblemError(
                422, "Invalid input", "", {"language": (f"{language!r} is not a language code",)}
            )
        if len(vtt) > 512 * 1024:
            raise ProblemError(413, "Payload Too Large", "The captions file is over 512 KiB.")
        try:
            text = vtt.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise ProblemError(
                422, "Invalid input", "", {"body": ("the captions file is not UTF-8 text",)}
            ) from None
        if not re.match(r"WEBVTT($|[ \t\r\n])", text):
            raise ProblemError(
                422, "Invalid input", "", {"body": ('a WebVTT file starts with "WEBVTT"',)}
            )
        language = language.lower()
        self.captions[(video_id, language)] = (label or language, vtt)
        return tuple(
            Caption(language=lang, label=named, size_bytes=len(data))
            for (video, lang), (named, data) in sorted(self.captions.items())
            if video == video_id
        )

    async def signed_captions(self, path: str) -> bytes:
        self.answer()
        *_, video, folder, file = path.split("/")
        found = self.captions.get((UUID(video), file.removesuffix(".vtt")))
        if folder != "captions" or found is None:
            raise ProblemError(404, "Not found", "No such track.")
        return found[1]
