"""web's upload calls for the lesson video script (static/video-upload.js, issue 25): the
browser declares the file, sends checksummed chunks and completes them through web (same
origin, the session's cookie and the page's CSRF token in ``X-CSRF-Token``); web adds the
teacher's access token, relays each chunk with the browser's ``Chunk-SHA256`` and answers
JSON (the upload's state) or problem+json with video-processor's detail."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from edu.web.clients.videos import CHUNK_BYTES
from edu.web.csrf import CSRF_COOKIE, CsrfTokens, session_of
from edu.web.session import ACCESS_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import FakeCourseClient, FakeIdentityClient, FakeVideoClient

Call = Callable[..., Awaitable[Any]]
Send = Callable[..., Awaitable[httpx.Response]]

CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def send(site: httpx.AsyncClient, identity: FakeIdentityClient, settings: WebSettings) -> Send:
    """A call as the script makes it: the page's CSRF token in X-CSRF-Token (``csrf=False``
    leaves it out)."""

    async def call(method: str, path: str, *, csrf: bool = True, **kwargs: Any) -> httpx.Response:
        if CSRF_COOKIE not in site.cookies:
            await site.get("/health")
        access = site.cookies.get(ACCESS_COOKIE)
        principal = identity.verifier.verify(access) if access else None
        assert settings.csrf_secret is not None
        tokens = CsrfTokens(settings.csrf_secret.get_secret_value().encode())
        headers = dict(kwargs.pop("headers", {}))
        if csrf:
            headers["X-CSRF-Token"] = tokens.token_for(
                site.cookies[CSRF_COOKIE], session_of(principal)
            )
        return await site.request(method, path, headers=headers, **kwargs)

    return call


async def uploads_of_a_lesson(submit: Call, sign_in: Call, course: FakeCourseClient) -> str:
    """A teacher's course with one lesson; the lesson's upload calls."""
    await sign_in("teacher@example.org", teacher=True)
    created = await submit("/teach/courses", {"title": "Knots", "summary": "Ties.", "tags": ""})
    editor: str = created.headers["location"]
    await submit(f"{editor}/lessons", {"lesson_title": "Bowline", "minutes": "5", "body": "Tie."})
    (stored,) = course.courses.values()
    return f"{editor}/lessons/{stored.course.lessons[0].id}/video/uploads"


def declared(data: bytes = CLIP, content_type: str = "video/mp4") -> dict[str, object]:
    return {"size_bytes": len(data), "content_type": content_type, "sha256": sha(data)}


def chunk_headers(data: bytes) -> dict[str, str]:
    return {"Chunk-SHA256": sha(data), "Content-Type": "application/octet-stream"}


class TestTheUploadCalls:
    async def test_declared_sent_in_chunks_and_completed_the_lesson_shows_it(
        self,
        site: httpx.AsyncClient,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        made = await send("POST", uploads, json=declared())
        assert made.status_code == 201, made.text
        state = made.json()
        assert state["status"] == "uploading"
        assert (state["size_bytes"], state["received_bytes"]) == (len(CLIP), 0)
        assert made.headers["cache-control"] == "no-store"
        for offset in range(0, len(CLIP), 4096):
            part = CLIP[offset : offset + 4096]
            answer = await send(
                "PUT",
                f"{uploads}/{state['id']}/content?offset={offset}",
                content=part,
                headers=chunk_headers(part),
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["received_bytes"] == offset + len(part)
        where = await send("GET", f"{uploads}/{state['id']}")
        assert where.json()["received_bytes"] == len(CLIP)
        done = await send("POST", f"{uploads}/{state['id']}/complete")
        assert done.status_code == 200, done.text
        editor = uploads.removesuffix("/video/uploads")
        assert done.json()["location"] == editor
        assert done.json()["status"] == "processing"
        assert [(o, n) for _, o, n in videos.chunks] == [(0, 4096), (4096, 4096), (8192, 2060)]
        assert videos.uploaded[videos.chunks[0][0]] == CLIP
        (stored,) = course.courses.values()
        assert stored.course.lessons[0].video_url == (f"http://127.0.0.1:8000/watch/{state['id']}")
        assert "Video uploaded." in (await site.get(editor)).text

    async def test_the_browsers_checksum_is_what_video_processor_checks(
        self, send: Send, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        video = (await send("POST", uploads, json=declared())).json()
        damaged = b"X" + CLIP[1:4096]
        answer = await send(
            "PUT",
            f"{uploads}/{video['id']}/content?offset=0",
            content=damaged,
            headers=chunk_headers(CLIP[:4096]),  # the sum of what the browser meant to send
        )
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert "does not match its SHA-256" in answer.json()["detail"]

    async def test_a_chunk_at_another_offset_is_409_and_the_state_says_where_to_go_on(
        self, send: Send, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        video = (await send("POST", uploads, json=declared())).json()
        part = CLIP[4096:8192]
        answer = await send(
            "PUT",
            f"{uploads}/{video['id']}/content?offset=4096",
            content=part,
            headers=chunk_headers(part),
        )
        assert answer.status_code == 409
        assert "starts at byte 0" in answer.json()["detail"]
        assert (await send("GET", f"{uploads}/{video['id']}")).json()["received_bytes"] == 0

    async def test_a_file_that_is_not_a_video_is_refused_with_the_reason(
        self, send: Send, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        answer = await send("POST", uploads, json=declared(b"notes", "text/plain"))
        assert answer.status_code == 415
        assert answer.json()["detail"] == "text/plain is not a video type this site takes."

    async def test_a_file_too_large_is_refused_with_the_reason(
        self,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        videos.max_bytes = 1000
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        answer = await send("POST", uploads, json=declared())
        assert answer.status_code == 413
        assert answer.json()["detail"] == "At most 1000 bytes."
        assert videos.videos == {}

    async def test_without_the_pages_csrf_token_nothing_is_declared_or_sent(
        self,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        refused = await send("POST", uploads, json=declared(), csrf=False)
        assert refused.status_code == 403
        assert videos.videos == {}
        video = (await send("POST", uploads, json=declared())).json()
        part = CLIP[:4096]
        put = await send(
            "PUT",
            f"{uploads}/{video['id']}/content?offset=0",
            content=part,
            headers=chunk_headers(part),
            csrf=False,
        )
        assert put.status_code == 403
        assert videos.chunks == []

    async def test_a_chunk_over_the_limit_is_413_before_it_is_relayed(
        self,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        big = b"v" * (CHUNK_BYTES + 1)
        video = (await send("POST", uploads, json=declared(big))).json()
        answer = await send(
            "PUT",
            f"{uploads}/{video['id']}/content?offset=0",
            content=big,
            headers=chunk_headers(big),
        )
        assert answer.status_code == 413
        assert videos.chunks == []

    async def test_a_student_or_a_visitor_not_signed_in_cannot_upload(
        self,
        site: httpx.AsyncClient,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        await sign_in("student@example.org")
        assert (await send("POST", uploads, json=declared())).status_code == 403
        site.cookies.clear()
        answer = await send("POST", uploads, json=declared())
        assert answer.status_code == 401
        assert "log in again" in answer.json()["detail"]

    async def test_video_processor_not_answering_is_503_to_try_again(
        self,
        send: Send,
        submit: Call,
        sign_in: Call,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        video = (await send("POST", uploads, json=declared())).json()
        videos.down = True
        answer = await send("GET", f"{uploads}/{video['id']}")
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "2"

    async def test_another_lessons_upload_is_not_found_here(
        self, send: Send, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        uploads = await uploads_of_a_lesson(submit, sign_in, course)
        video = (await send("POST", uploads, json=declared())).json()
        (stored,) = course.courses.values()
        other = uploads.replace(str(stored.course.lessons[0].id), str(stored.course.id))
        assert (await send("GET", f"{other}/{video['id']}")).status_code == 404
        assert (await send("POST", f"{other}/{video['id']}/complete")).status_code == 404
