"""video-processor's API (Rust, issue 25) through the api-gateway: a teacher's resumable,
checksummed upload of a lesson video, where it stands (transcoding progress, the failure
reason), and the signed, expiring playback links a teacher or an enrolled student gets."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO, Protocol
from urllib.parse import quote
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from edu.web.clients.transport import ServiceTransport

# One chunk per request: under the api-gateway's 2 MiB body cap (EDU_MAX_REQUEST_BODY_BYTES)
# and video-processor's 8 MiB chunk limit, so every chunk passes both.
CHUNK_BYTES = 1024 * 1024


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class VideoStatus(_Read):
    """A video as its teacher sees it: ``uploading``, ``processing``, ``ready`` or ``failed``."""

    id: UUID
    course_id: UUID
    lesson_id: UUID
    status: str
    size_bytes: int
    received_bytes: int
    progress_percent: int
    failure_reason: str | None = None
    duration_ms: int | None = None


class CaptionLink(_Read):
    """A caption track (WebVTT) and its signed link: a ``<track>``'s srclang, label and src."""

    language: str
    label: str
    url: str


class Caption(_Read):
    """A stored caption track as its teacher sees it."""

    language: str
    label: str
    size_bytes: int


class Playback(_Read):
    """Signed links (paths on the gateway) that open the video's files until ``expires_at``."""

    video: VideoStatus
    expires_at: int
    master_playlist_url: str | None = None
    poster_url: str | None = None
    original_url: str
    captions: tuple[CaptionLink, ...] = ()


class VideoClient(Protocol):
    async def declare(
        self,
        token: str,
        course_id: UUID,
        lesson_id: UUID,
        content_type: str,
        size: int,
        sha256: str,
    ) -> VideoStatus:
        """Declare an upload (nothing stored yet): ProblemError 413/415 before a byte is sent,
        403 (not this course's teacher), 422 (empty, a malformed checksum)."""
        ...

    async def put_chunk(
        self, token: str, video_id: UUID, offset: int, chunk: bytes, sha256: str
    ) -> VideoStatus:
        """Send ``chunk`` at ``offset`` with the SHA-256 its sender computed (``Chunk-SHA256``:
        video-processor checks the bytes it got against it); ProblemError 409 when the upload
        stands elsewhere (``received_bytes`` of :meth:`video` says where), 422 a checksum
        the bytes do not match, 413 a chunk over the limit."""
        ...

    async def complete(self, token: str, video_id: UUID) -> VideoStatus:
        """Every byte arrived: checked against the declared SHA-256 (ProblemError 422 when the
        file does not match), then ``processing``."""
        ...

    async def upload(
        self, token: str, course_id: UUID, lesson_id: UUID, content_type: str, file: BinaryIO
    ) -> VideoStatus:
        """Upload ``file`` (seekable) for the lesson in checksummed chunks and complete it:
        the video is then ``processing``. ProblemError 413/415 (too large, not a video type),
        403 (not this course's teacher), 422 (empty; the file changed while it was sent)."""
        ...

    async def video(self, token: str, video_id: UUID) -> VideoStatus:
        """Where the teacher's video stands; ProblemError 404 for anyone else's."""
        ...

    async def playback(self, token: str, video_id: UUID) -> Playback:
        """Signed links for the teacher or a student enrolled in the course; ProblemError 403
        for anyone else, 409 while the video is still being uploaded."""
        ...

    async def put_captions(
        self, token: str, video_id: UUID, language: str, label: str | None, vtt: bytes
    ) -> tuple[Caption, ...]:
        """The teacher's WebVTT track for ``language`` (the same language replaces it): the
        video's tracks. ProblemError 415 (not sent as text/vtt), 413 (over 512 KiB), 422 (not
        a language code, not UTF-8, no ``WEBVTT`` first line), 404 (not the caller's video)."""
        ...

    async def signed_captions(self, path: str) -> bytes:
        """The WebVTT file behind a signed captions link (``/play/…/captions/<lang>.vtt``);
        ProblemError 403 expired or tampered, 404 no such track."""
        ...


def file_sha256(file: BinaryIO) -> tuple[str, int]:
    """The SHA-256 (hex) and size of ``file``, read from its start in chunks."""
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def chunks_of(file: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of ``file`` from its start, :data:`CHUNK_BYTES` at a time."""
    file.seek(0)
    offset = 0
    for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
        yield offset, chunk
        offset += len(chunk)


class HttpVideoClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def declare(
        self,
        token: str,
        course_id: UUID,
        lesson_id: UUID,
        content_type: str,
        size: int,
        sha256: str,
    ) -> VideoStatus:
        declared = {
            "course_id": str(course_id),
            "lesson_id": str(lesson_id),
            "size_bytes": size,
            "content_type": content_type,
            "sha256": sha256,
        }
        created = await self._http.call("POST", "/videos", token=token, json=declared)
        return VideoStatus.model_validate(created.json())

    async def put_chunk(
        self, token: str, video_id: UUID, offset: int, chunk: bytes, sha256: str
    ) -> VideoStatus:
        response = await self._http.call(
            "PUT",
            f"/videos/{video_id}/content",
            token=token,
            params={"offset": offset},
            content=chunk,
            headers={
                "Content-Type": "application/octet-stream",
                "Chunk-SHA256": sha256,
            },
        )
        return VideoStatus.model_validate(response.json())

    async def complete(self, token: str, video_id: UUID) -> VideoStatus:
        done = await self._http.call("POST", f"/videos/{video_id}/complete", token=token)
        return VideoStatus.model_validate(done.json())

    async def upload(
        self, token: str, course_id: UUID, lesson_id: UUID, content_type: str, file: BinaryIO
    ) -> VideoStatus:
        sha256, size = file_sha256(file)
        video = await self.declare(token, course_id, lesson_id, content_type, size, sha256)
        for offset, chunk in chunks_of(file):
            await self.put_chunk(token, video.id, offset, chunk, hashlib.sha256(chunk).hexdigest())
        return await self.complete(token, video.id)

    async def video(self, token: str, video_id: UUID) -> VideoStatus:
        response = await self._http.call("GET", f"/videos/{video_id}", token=token)
        return VideoStatus.model_validate(response.json())

    async def playback(self, token: str, video_id: UUID) -> Playback:
        response = await self._http.call("GET", f"/videos/{video_id}/playback", token=token)
        return Playback.model_validate(response.json())

    async def put_captions(
        self, token: str, video_id: UUID, language: str, label: str | None, vtt: bytes
    ) -> tuple[Caption, ...]:
        response = await self._http.call(
            "PUT",
            f"/videos/{video_id}/captions/{quote(language, safe='')}",
            token=token,
            params={"label": label} if label else None,
            content=vtt,
            headers={"Content-Type": "text/vtt"},
        )
        return tuple(Caption.model_validate(c) for c in response.json()["captions"])

    async def signed_captions(self, path: str) -> bytes:
        response = await self._http.call("GET", path, headers={"Accept": "text/vtt"})
        return response.content
