"""web -> video-processor (a Python consumer of a Rust provider, issue 25): a teacher's lesson
video through web's real video client (edu.web.clients.videos), with the teacher's token.

What web reads is pinned, and only that: a video's id, course, lesson, status, size, bytes
received, progress, failure reason and duration (``VideoStatus``); a refused declaration's
problem document. The provider states are made through the providers' APIs before the verifier
runs (contracts/tests/provider/test_verify_rust_consumers.py): a draft course of the session's
teacher with one lesson; an upload of it declared; an upload whose every byte arrived. Course,
lesson and video ids come from the state (``fromProviderState``). The chunk is five bytes whose
SHA-256 the declaration names, so the provider checks both checksums for real.

A ready video's playback, as the lesson page reads it: the signed master playlist, poster and
original links and each caption track's language, label and signed link (the player's
``<track>``), and the captions file behind such a link (which web relays as ``text/vtt``). The
contract stack has no transcoder or ffmpeg, so the provider state "a ready lesson video with
English captions" is written by the provider's own adapters (``video-processor pact-state
ready-video``, services/rs/video-processor/src/pact.rs): the video's id and the captions' signed
path come from it."""

from __future__ import annotations

import hashlib
from io import BytesIO
from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.errors import ProblemError
from edu.web.clients.transport import ServiceTransport
from edu.web.clients.videos import HttpVideoClient

JSON = "application/json"
PROBLEM = "application/problem+json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
LESSON_ID = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60"
VIDEO_ID = "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6071"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
CLIP = b"\x00\x00\x00\x18f"  # five bytes: the provider checks the chunk's and the file's SHA-256
CLIP_SHA256 = hashlib.sha256(CLIP).hexdigest()
BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
LESSON = "a draft course of the teacher with one lesson"
DECLARED = "an upload of a lesson video the teacher declared"
ARRIVED = "an upload of a lesson video whose every byte arrived"
READY = "a ready lesson video with English captions"
SIGNED = r"/play/[0-9]+/[A-Za-z0-9_-]+/" + AN_ID
CAPTIONS_PATH = f"/play/4102444800/c2lnbmVk/{VIDEO_ID}/captions/en.vtt"
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello, captions.\n"


def signed_link(example_file: str, pattern: str) -> AbstractMatcher[str]:
    """A signed link video-processor made: any expiry and signature, the file at its end."""
    return match.regex(
        f"/play/4102444800/c2lnbmVk/{VIDEO_ID}/{example_file}", regex=f"^{SIGNED}/{pattern}$"
    )


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` here, matched by ``regex``; the verifier sends ``expression`` with the
    provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def video_path(suffix: str) -> AbstractMatcher[str]:
    return from_state(
        f"/videos/{VIDEO_ID}{suffix}", "/videos/${video_id}" + suffix, rf"^/videos/{AN_ID}{suffix}$"
    )


def video(status: str, received: int, progress: Any = None) -> dict[str, Any]:
    return {
        "id": match.uuid(VIDEO_ID),
        "course_id": match.uuid(COURSE_ID),
        "lesson_id": match.uuid(LESSON_ID),
        "status": status,
        "size_bytes": len(CLIP),
        "received_bytes": received,
        "progress_percent": progress if progress is not None else match.int(0),
        "failure_reason": None,
        "duration_ms": None,
    }


def declaration(content_type: str) -> dict[str, Any]:
    return {
        "course_id": from_state(COURSE_ID, "${course_id}", f"^{AN_ID}$"),
        "lesson_id": from_state(LESSON_ID, "${lesson_id}", f"^{AN_ID}$"),
        "size_bytes": len(CLIP),
        "content_type": content_type,
        "sha256": CLIP_SHA256,
    }


def video_processor_pact() -> Pact:
    pact = Pact("web", "video-processor").with_specification("V4")
    (
        pact.upon_receiving("a teacher declares a lesson video")
        .given(LESSON)
        .with_request("POST", "/videos")
        .with_header("Authorization", BEARER)
        .with_body(declaration("video/mp4"), JSON)
        .will_respond_with(201)
        .with_body(video("uploading", 0), JSON)
    )
    (
        pact.upon_receiving("a teacher declares a file that is not a video")
        .given(LESSON)
        .with_request("POST", "/videos")
        .with_header("Authorization", BEARER)
        .with_body(declaration("text/plain"), JSON)
        .will_respond_with(415)
        .with_body({"status": 415, "title": match.str("Unsupported Media Type")}, PROBLEM)
    )
    (
        pact.upon_receiving("the first chunk of a declared upload")
        .given(DECLARED)
        .with_request("PUT", video_path("/content"))
        .with_query_parameters({"offset": "0"})
        .with_header("Authorization", BEARER)
        .with_header("Chunk-SHA256", hashlib.sha256(CLIP).hexdigest())
        .with_binary_body(CLIP, "application/octet-stream")
        .will_respond_with(200)
        .with_body(video("uploading", len(CLIP)), JSON)
    )
    (
        pact.upon_receiving("the teacher completes an upload whose every byte arrived")
        .given(ARRIVED)
        .with_request("POST", video_path("/complete"))
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(video("processing", len(CLIP)), JSON)
    )
    (
        pact.upon_receiving("the teacher reads where a video stands")
        .given(ARRIVED)
        .with_request("GET", video_path(""))
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(video("uploading", len(CLIP)), JSON)
    )
    (
        pact.upon_receiving("the teacher reads the playback links of a ready video")
        .given(READY)
        .with_request("GET", video_path("/playback"))
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "video": {
                    "id": match.uuid(VIDEO_ID),
                    "course_id": match.uuid(COURSE_ID),
                    "lesson_id": match.uuid(LESSON_ID),
                    "status": "ready",
                    "size_bytes": match.int(2012),
                    "received_bytes": match.int(2012),
                    "progress_percent": 100,
                    "failure_reason": None,
                    "duration_ms": match.int(2000),
                },
                "expires_at": match.int(4102444800),
                "master_playlist_url": signed_link("hls/master.m3u8", r"hls/master\.m3u8"),
                "poster_url": signed_link("hls/poster.jpg", r"hls/poster\.jpg"),
                "original_url": signed_link("original", "original"),
                "captions": match.each_like(
                    {
                        "language": "en",
                        "label": "English",
                        "url": signed_link("captions/en.vtt", r"captions/en\.vtt"),
                    },
                    min=1,
                ),
            },
            JSON,
        )
    )
    (
        pact.upon_receiving("the captions file behind a signed link of a ready video")
        .given(READY)
        .with_request(
            "GET",
            from_state(CAPTIONS_PATH, "${captions_path}", rf"^{SIGNED}/captions/en\.vtt$"),
        )
        .will_respond_with(200)
        .with_body(CAPTIONS, "text/vtt")
    )
    return pact


@pytest.mark.pact_pair("web", "video-processor")
class TestWebVideoProcessorContract:
    async def test_web_uploads_and_reads_a_video_as_video_processor_answers(
        self, pact_check: Any
    ) -> None:
        pact = video_processor_pact()
        course, lesson = UUID(COURSE_ID), UUID(LESSON_ID)
        with pact.serve() as server:
            client = HttpVideoClient(
                ServiceTransport("video-processor", str(server.url), timeout=5)
            )
            done = await client.upload(TOKEN, course, lesson, "video/mp4", BytesIO(CLIP))
            assert (done.id, done.status, done.received_bytes) == (UUID(VIDEO_ID), "processing", 5)
            read = await client.video(TOKEN, UUID(VIDEO_ID))
            assert (read.lesson_id, read.size_bytes, read.failure_reason) == (lesson, 5, None)
            with pytest.raises(ProblemError) as refused:
                await client.upload(TOKEN, course, lesson, "text/plain", BytesIO(CLIP))
            assert refused.value.status == 415
            links = await client.playback(TOKEN, UUID(VIDEO_ID))
            assert links.video.status == "ready"
            assert str(links.master_playlist_url).endswith("/hls/master.m3u8")
            assert str(links.poster_url).endswith("/hls/poster.jpg")
            [track] = links.captions
            assert (track.language, track.label) == ("en", "English")
            assert await client.signed_captions(track.url) == CAPTIONS.encode()
        pact_check(pact)
