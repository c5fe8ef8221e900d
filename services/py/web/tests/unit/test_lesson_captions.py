"""Caption tracks of a lesson's video (issue 25): the teacher adds a WebVTT file per language on
the lesson's edit page (refusals said next to the fields); an enrolled student's player gets a
``<track kind="captions">`` whose src is the signed link on the page's own origin, which web
relays to video-processor."""

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
Post = Callable[..., Awaitable[httpx.Response]]

CLIP = b"\x00\x00\x00\x18ftypmp42" + b"v" * 1024
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello, bars.\n"
SRT = b"1\n00:00:00,000 --> 00:00:02,000\nHello\n"


@pytest.fixture
def post_file(site: httpx.AsyncClient, identity: FakeIdentityClient, settings: WebSettings) -> Post:
    """Post a multipart form as a browser does, with the page's CSRF token."""

    async def post(path: str, data: dict[str, str], files: dict[str, Any]) -> httpx.Response:
        if CSRF_COOKIE not in site.cookies:
            await site.get("/health")
        access = site.cookies.get(ACCESS_COOKIE)
        principal = identity.verifier.verify(access) if access else None
        assert settings.csrf_secret is not None
        tokens = CsrfTokens(settings.csrf_secret.get_secret_value().encode())
        token = tokens.token_for(site.cookies[CSRF_COOKIE], session_of(principal))
        return await site.post(path, data={CSRF_FIELD: token, **data}, files=files)

    return post


async def lesson_with_video(
    submit: Call, sign_in: Call, post_file: Post, course: FakeCourseClient
) -> tuple[str, UUID, UUID]:
    """A teacher's published course with one lesson and its uploaded video: the lesson's edit
    page, the course's id and the lesson's."""
    await sign_in("teacher@example.org", teacher=True)
    created = await submit("/teach/courses", {"title": "Knots", "summary": "Ties.", "tags": ""})
    teach: str = created.headers["location"]
    await submit(f"{teach}/lessons", {"lesson_title": "Bowline", "minutes": "5", "body": "Tie."})
    (stored,) = course.courses.values()
    editor = f"{teach}/lessons/{stored.course.lessons[0].id}"
    uploaded = await post_file(f"{editor}/video", {}, {"video": ("l.mp4", CLIP, "video/mp4")})
    assert uploaded.status_code == 303, uploaded.text
    await submit(f"{teach}/publish", {})
    return editor, stored.course.id, stored.course.lessons[0].id


def add(post_file: Post, editor: str, language: str, data: bytes, label: str = "") -> Any:
    files = {"captions": ("bars.vtt", data, "text/vtt")}
    return post_file(f"{editor}/video/captions", {"language": language, "label": label}, files)


class TestAddingCaptions:
    async def test_the_track_reaches_video_processor_and_the_editor_lists_it(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        post_file: Post,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor, _, _ = await lesson_with_video(submit, sign_in, post_file, course)
        answer = await add(post_file, editor, "en", VTT, "English (bars)")
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == editor
        ((video_id,),) = [tuple(videos.videos)]
        assert videos.captions == {(video_id, "en"): ("English (bars)", VTT)}
        page = (await site.get(editor)).text
        assert "Captions saved" in page
        assert '<li lang="en">English (bars) <span class="meta">(en)</span></li>' in page

    async def test_a_file_that_is_not_webvtt_is_refused_next_to_the_field(
        self,
        submit: Call,
        sign_in: Call,
        post_file: Post,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor, _, _ = await lesson_with_video(submit, sign_in, post_file, course)
        srt = await add(post_file, editor, "en", SRT)
        bad_language = await add(post_file, editor, "english!", VTT)
        no_file = await post_file(f"{editor}/video/captions", {"language": "en"}, {})

        assert srt.status_code == 422
        assert 'id="captions-error">A WebVTT file starts with &#34;WEBVTT&#34;.' in srt.text
        assert bad_language.status_code == 422
        assert 'id="language-error">' in bad_language.text
        assert "is not a language code" in bad_language.text
        assert 'value="english!"' in bad_language.text  # what was entered stays
        assert no_file.status_code == 422
        assert "Choose a WebVTT captions file (.vtt)." in no_file.text
        assert videos.captions == {}

    async def test_a_lesson_without_an_uploaded_video_has_no_captions_form(
        self, site: httpx.AsyncClient, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        await sign_in("teacher@example.org", teacher=True)
        created = await submit("/teach/courses", {"title": "Knots", "summary": "x", "tags": ""})
        teach: str = created.headers["location"]
        await submit(f"{teach}/lessons", {"lesson_title": "Bowline", "minutes": "5", "body": "T"})
        (stored,) = course.courses.values()
        page = (await site.get(f"{teach}/lessons/{stored.course.lessons[0].id}")).text
        assert "Lesson video" in page
        assert "Add captions" not in page


class TestWatchingWithCaptions:
    async def test_an_enrolled_students_player_has_the_track_and_web_relays_it(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        post_file: Post,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor, course_id, lesson_id = await lesson_with_video(submit, sign_in, post_file, course)
        await add(post_file, editor, "el", VTT)
        (video_id,) = videos.videos
        videos.transcoded(video_id)
        await sign_in("student@example.org")
        await submit(f"/courses/{course_id}/enrol", {})
        page = (await site.get(f"/courses/{course_id}/lessons/{lesson_id}")).text
        src = f"/play/4102444800/c2lnbmVk/{video_id}/captions/el.vtt"
        track = f'<track kind="captions" srclang="el" label="el" src="{src}" default>'
        assert track in page
        relayed = await site.get(src)
        assert relayed.status_code == 200
        assert relayed.headers["content-type"] == "text/vtt; charset=utf-8"
        assert relayed.content == VTT
        missing = await site.get(src.replace("el.vtt", "fr.vtt"))
        assert missing.status_code == 404

    async def test_a_stranger_gets_no_player_and_so_no_track(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        post_file: Post,
        course: FakeCourseClient,
        videos: FakeVideoClient,
    ) -> None:
        editor, course_id, lesson_id = await lesson_with_video(submit, sign_in, post_file, course)
        await add(post_file, editor, "en", VTT)
        (video_id,) = videos.videos
        videos.transcoded(video_id)
        await sign_in("stranger@example.org")
        page = (await site.get(f"/courses/{course_id}/lessons/{lesson_id}")).text
        assert "<track" not in page
