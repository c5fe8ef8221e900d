"""Lesson videos (issue 25): a teacher uploads one on the lesson's edit page and sees it being
prepared or why it failed; the lesson page plays it (HLS from the gateway's signed links, the
original as the fallback source) for the course's students only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import httpx
import pytest

from edu.web.csrf import CSRF_COOKIE, CSRF_FIELD, CsrfTokens, session_of
from edu.web.session import ACCESS_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import FakeCourseClient, FakeIdentityClient, FakeVideoClient

Call = Callable[..., Awaitable[Any]]
Upload = Callable[[str, bytes, str], Awaitable[httpx.Response]]

# Over web's 2 MiB cap for every other form: the upload path has a cap of its own.
CLIP = b"\x00\x00\x00\x18ftypmp42" + b"v" * (3 * 1024 * 1024)


@pytest.fixture
def upload(site: httpx.AsyncClient, identity: FakeIdentityClient, settings: WebSettings) -> Upload:
    """Post the lesson's video form as a browser does: multipart, with the page's CSRF token."""

    async def post(editor: str, data: bytes, content_type: str) -> httpx.Response:
        if CSRF_COOKIE not in site.cookies:
            await site.get("/health")
        access = site.cookies.get(ACCESS_COOKIE)
        principal = identity.verifier.verify(access) if access else None
        assert settings.csrf_secret is not None
        tokens = CsrfTokens(settings.csrf_secret.get_secret_value().encode())
        token = tokens.token_for(site.cookies[CSRF_COOKIE], session_of(principal))
        return await site.post(
            f"{editor}/video",
            data={CSRF_FIELD: token},
            files={"video": ("lesson.mp4", data, content_type)},
        )

    return post


async def lesson_editor(submit: Call, sign_in: Call, course: FakeCourseClient) -> str:
    """A teacher's course with one lesson; the lesson's edit page."""
    await sign_in("teacher@example.org", teacher=True)
    created = await submit("/teach/courses", {"title": "Knots", "summary": "Ties.", "tags": ""})
    editor: str = created.headers["location"]
    await submit(f"{editor}/lessons", {"lesson_title": "Bowline", "minutes": "5", "body": "Tie."})
    (stored,) = course.courses.values()
    return f"{editor}/lessons/{stored.course.lessons[0].id}"


def lesson_of(course: FakeCourseClient) -> tuple[UUID, UUID, str | None]:
    (stored,) = course.courses.values()
    lesson = stored.course.lessons[0]
    return stored.course.id, lesson.id, lesson.video_url


class TestUploadingALessonVideo:
    async def test_the_file_reaches_video_processor_and_the_lesson_points_at_it(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor = await lesson_editor(submit, sign_in, course)
        answer = await upload(editor, CLIP, "video/mp4")
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == editor
        ((video_id, data),) = videos.uploaded.items()
        assert data == CLIP
        _, _, video_url = lesson_of(course)
        assert video_url == f"http://127.0.0.1:8000/watch/{video_id}"
        page = (await site.get(editor)).text
        assert "Video uploaded." in page
        assert 'id="video-progress" max="100" value="0"' in page

    async def test_the_teacher_sees_the_progress_and_then_why_it_failed(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor = await lesson_editor(submit, sign_in, course)
        await upload(editor, CLIP, "video/mp4")
        (video_id,) = videos.videos
        videos.progressed(video_id, 40)
        assert 'value="40"' in (await site.get(editor)).text
        videos.failed(video_id, "The file ends early: it looks truncated or damaged.")
        page = (await site.get(editor)).text
        assert "could not be prepared: The file ends early" in page
        assert 'data-video-status="failed"' in page

    async def test_a_file_that_is_not_a_video_is_refused_next_to_the_field(
        self,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor = await lesson_editor(submit, sign_in, course)
        answer = await upload(editor, b"just some text", "text/plain")
        assert answer.status_code == 422
        assert 'id="video-error"' in answer.text
        assert "text/plain is not a video type" in answer.text
        assert 'aria-invalid="true"' in answer.text
        assert videos.uploaded == {}
        assert lesson_of(course)[2] is None

    async def test_other_forms_keep_the_two_mib_cap(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        editor = await lesson_editor(submit, sign_in, course)
        answer = await submit(editor, {"lesson_title": "x" * (3 * 1024 * 1024)})
        assert answer.status_code == 413


class TestWatchingALessonVideo:
    async def ready_lesson(
        self, submit: Call, sign_in: Call, upload: Upload, course: FakeCourseClient
    ) -> tuple[str, UUID]:
        editor = await lesson_editor(submit, sign_in, course)
        await upload(editor, CLIP, "video/mp4")
        await submit(editor.rsplit("/lessons/", 1)[0] + "/publish", {})
        course_id, lesson_id, _ = lesson_of(course)
        return f"/courses/{course_id}/lessons/{lesson_id}", course_id

    async def test_an_enrolled_student_gets_the_hls_ladder_and_the_original_from_the_gateway(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        page_path, course_id = await self.ready_lesson(submit, sign_in, upload, course)
        (video_id,) = videos.videos
        videos.transcoded(video_id)
        await sign_in("student@example.org")
        await submit(f"/courses/{course_id}/enrol", {})
        page = await site.get(page_path)
        signed = f"http://127.0.0.1:8014/play/4102444800/c2lnbmVk/{video_id}"
        assert f'<source src="{signed}/hls/master.m3u8" type="application/vnd.apple.mpegurl">' in (
            page.text
        )
        assert f'<source src="{signed}/original">' in page.text
        assert f'poster="{signed}/hls/poster.jpg"' in page.text
        policy = page.headers["content-security-policy"]
        assert "media-src 'self' http://127.0.0.1:8014" in policy
        assert "img-src 'self' http://127.0.0.1:8014" in policy
        watched = await site.get(f"/watch/{video_id}")
        assert watched.status_code == 303
        assert watched.headers["location"] == f"{signed}/original"

    async def test_a_student_not_enrolled_is_asked_to_enrol_and_gets_no_player(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        page_path, _ = await self.ready_lesson(submit, sign_in, upload, course)
        (video_id,) = videos.videos
        videos.transcoded(video_id)
        await sign_in("stranger@example.org")
        page = (await site.get(page_path)).text
        assert "<video" not in page
        assert "enrol to watch it" in page

    async def test_while_it_is_being_prepared_the_lesson_says_so(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        upload: Upload,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        page_path, _ = await self.ready_lesson(submit, sign_in, upload, course)
        (video_id,) = videos.videos
        videos.progressed(video_id, 60)
        page = (await site.get(page_path)).text  # the teacher's own view
        assert "<video" not in page
        assert "being prepared (60 %)" in page
