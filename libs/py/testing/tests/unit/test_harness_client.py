"""The harness client: the journeys' requests, their typed results, unexpected answers and the
observer, over sync and async httpx (a hand-written fake platform behind httpx.MockTransport)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from edu.testing import api_calls, journeys
from edu.testing.harness_client import (
    AsyncHarnessClient,
    Exchange,
    HarnessClient,
    UnexpectedStatus,
    first_answer,
)

URLS = {
    "identity": "http://identity.test",
    "course": "http://course.test/",
    "enrollment": "http://enrollment.test",
}
Answer = tuple[int, Any]


class FakePlatform:
    """Answers (method, URL) from a table and remembers every request it was sent."""

    def __init__(self, answers: dict[tuple[str, str], Answer | Callable[[], Answer]]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, str, Any, str | None]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        key = (request.method, str(request.url))
        self.sent.append((*key, body, request.headers.get("Authorization")))
        answer = self.answers.get(key, (404, {"detail": "no such route"}))
        status, payload = answer() if callable(answer) else answer
        return httpx.Response(status, json=payload)


def identity_answers() -> dict[tuple[str, str], Answer | Callable[[], Answer]]:
    user = {"id": "u-1", "email": "ada@example.org", "roles": ["student", "teacher"]}
    return {
        ("POST", "http://identity.test/auth/signup"): (201, user),
        ("POST", "http://identity.test/auth/login"): (200, tokens("a-1", "r-1")),
    }


def tokens(access: str, refresh: str) -> dict[str, Any]:
    return {"access_token": access, "refresh_token": refresh, "expires_in": 900}


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform(identity_answers())


@pytest.fixture
def client(platform: FakePlatform) -> Iterator[HarnessClient]:
    with httpx.Client(transport=httpx.MockTransport(platform)) as http:
        yield HarnessClient(URLS, http)


class TestAccounts:
    def test_a_new_account_signs_up_then_logs_in(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        account = client.run(journeys.new_account("ada@example.org", "pw-123456789", teacher=True))

        assert account == journeys.Account("ada@example.org", "pw-123456789", "a-1", "r-1")
        assert account.authorization == {"Authorization": "Bearer a-1"}
        assert platform.sent == [
            (
                "POST",
                "http://identity.test/auth/signup",
                {"email": "ada@example.org", "password": "pw-123456789", "teacher": True},
                None,
            ),
            (
                "POST",
                "http://identity.test/auth/login",
                {"email": "ada@example.org", "password": "pw-123456789"},
                None,
            ),
        ]

    def test_sign_up_returns_the_new_user(self, client: HarnessClient) -> None:
        user = client.run(journeys.sign_up("ada@example.org", "pw"))

        assert user == journeys.User("u-1", "ada@example.org", ("student", "teacher"))

    def test_a_tolerated_409_on_sign_up_gives_no_user_and_logging_in_goes_on(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        platform.answers[("POST", "http://identity.test/auth/signup")] = (409, {"title": "taken"})

        assert client.run(journeys.sign_up("ada@example.org", "pw", tolerate=(409,))) is None
        account = client.run(journeys.new_account("ada@example.org", "pw", tolerate=(409,)))
        assert account.access_token == "a-1"

    def test_an_untolerated_status_raises_with_the_call_and_the_body(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        platform.answers[("POST", "http://identity.test/auth/signup")] = (409, {"title": "taken"})

        with pytest.raises(UnexpectedStatus) as raised:
            client.run(journeys.new_account("ada@example.org", "pw"))

        assert raised.value.status == 409
        assert str(raised.value) == (
            "POST http://identity.test/auth/signup (signup) answered 409, expected 201: "
            '{"title":"taken"}'
        )
        assert len(platform.sent) == 1  # the journey stopped: no log-in after a failed sign-up

    def test_becoming_a_teacher_refreshes_the_tokens(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        platform.answers[("POST", "http://identity.test/me/teacher")] = (200, {})
        platform.answers[("POST", "http://identity.test/auth/refresh")] = (
            200,
            tokens("a-2", "r-2"),
        )
        student = journeys.Account("ada@example.org", "pw", "a-1", "r-1")

        teacher = client.run(journeys.become_teacher(student))

        assert (teacher.access_token, teacher.refresh_token) == ("a-2", "r-2")
        assert platform.sent[0][3] == "Bearer a-1"
        assert platform.sent[1][2] == {"refresh_token": "r-1"}


def course_answers(platform: FakePlatform) -> None:
    lessons = iter(["l-1", "l-2"])
    platform.answers.update(
        {
            ("POST", "http://course.test/courses"): (201, {"id": "c-1", "status": "draft"}),
            ("POST", "http://course.test/courses/c-1/lessons"): lambda: (
                201,
                {"id": next(lessons)},
            ),
            ("POST", "http://course.test/courses/c-1/publish"): (
                200,
                {"id": "c-1", "status": "published"},
            ),
        }
    )


class TestCourses:
    def test_a_course_is_created_given_its_lessons_in_order_and_published(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        course_answers(platform)
        lessons = [{"title": "One"}, {"title": "Two"}]

        course = client.run(journeys.make_course("a-1", {"title": "Knots"}, lessons))

        assert course == journeys.Course(
            "c-1", ("l-1", "l-2"), {"id": "c-1", "status": "published"}
        )
        assert [(method, url, body) for method, url, body, _ in platform.sent] == [
            ("POST", "http://course.test/courses", {"title": "Knots"}),
            ("POST", "http://course.test/courses/c-1/lessons", {"title": "One"}),
            ("POST", "http://course.test/courses/c-1/lessons", {"title": "Two"}),
            ("POST", "http://course.test/courses/c-1/publish", None),
        ]
        assert {auth for *_, auth in platform.sent} == {"Bearer a-1"}

    def test_a_draft_is_not_published(self, client: HarnessClient, platform: FakePlatform) -> None:
        course_answers(platform)

        course = client.run(journeys.make_course("a-1", {"title": "K"}, [{}], publish=False))

        assert course.view == {"id": "c-1", "status": "draft"}
        assert not any(url.endswith("/publish") for _, url, *_ in platform.sent)


class TestEnrollment:
    @pytest.mark.parametrize("status", [200, 201])
    def test_enrolling_accepts_a_new_or_an_existing_enrollment(
        self, client: HarnessClient, platform: FakePlatform, status: int
    ) -> None:
        platform.answers[("POST", "http://enrollment.test/enrollments")] = (status, {"id": "e-1"})

        enrolled = client.run(journeys.enrol("a-1", "c-1"))

        assert enrolled == journeys.Enrollment("e-1", {"id": "e-1"})
        assert platform.sent[0][2] == {"course_id": "c-1"}

    def test_completing_a_lesson_puts_it_on_the_enrollment(
        self, client: HarnessClient, platform: FakePlatform
    ) -> None:
        url = "http://enrollment.test/enrollments/e-1/completed-lessons/l-1"
        platform.answers[("PUT", url)] = (200, {"id": "e-1", "completed_lesson_ids": ["l-1"]})

        done = client.run(journeys.complete_lesson("a-1", "e-1", "l-1"))

        assert done.view["completed_lesson_ids"] == ["l-1"]


class TestObserver:
    def test_every_call_is_seen_with_its_times_answer_and_verdict(
        self, platform: FakePlatform
    ) -> None:
        seen: list[Exchange] = []
        ticks = iter(range(100))
        with httpx.Client(transport=httpx.MockTransport(platform)) as http:
            client = HarnessClient(URLS, http, observe=seen.append, clock=lambda: next(ticks))
            client.run(journeys.new_account("ada@example.org", "pw"))
            platform.answers[("POST", "http://identity.test/auth/login")] = (401, {})
            with pytest.raises(UnexpectedStatus):
                client.run(journeys.log_in("ada@example.org", "pw"))

        assert [(e.call.op, e.started, e.ended, e.ok) for e in seen] == [
            ("signup", 0, 1, True),
            ("login", 2, 3, True),
            ("login", 4, 5, False),
        ]

    def test_a_call_without_an_answer_is_seen_then_its_error_raised(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        seen: list[Exchange] = []
        with httpx.Client(transport=httpx.MockTransport(refuse)) as http:
            client = HarnessClient(URLS, http, observe=seen.append)
            with pytest.raises(httpx.ConnectError):
                client.send(api_calls.log_in("ada@example.org", "pw"))

        assert len(seen) == 1
        assert seen[0].response is None
        assert isinstance(seen[0].error, httpx.ConnectError)
        assert not seen[0].ok


class TestAsyncClient:
    async def test_runs_the_same_journeys_and_observes_every_call(
        self, platform: FakePlatform
    ) -> None:
        course_answers(platform)
        seen: list[Exchange] = []
        async with httpx.AsyncClient(transport=httpx.MockTransport(platform)) as http:
            client = AsyncHarnessClient(URLS, http, observe=seen.append)
            teacher = await client.run(journeys.new_account("ada@example.org", "pw", teacher=True))
            course = await client.run(journeys.make_course(teacher.access_token, {}, [{}]))
            with pytest.raises(UnexpectedStatus, match="answered 404"):
                await client.send(api_calls.enrol(teacher.access_token, course.id))

        assert course.lesson_ids == ("l-1",)
        assert [e.call.op for e in seen] == [
            "signup",
            "login",
            "create_course",
            "add_lesson",
            "publish",
            "enrol",
        ]


class TestCalls:
    def test_a_call_to_a_service_without_a_url_names_the_ones_known(self) -> None:
        with pytest.raises(KeyError, match="no URL for service 'notifications'"):
            api_calls.Call("x", "notifications", "GET", "/n", "/n").url(URLS)

    def test_paths_with_ids_keep_a_name_for_statistics(self) -> None:
        call = api_calls.complete_lesson("t", "e-1", "l-1")

        assert call.path == "/enrollments/e-1/completed-lessons/l-1"
        assert call.name == "/enrollments/{enrollment_id}/completed-lessons/{lesson_id}"
        assert call.headers == {"Authorization": "Bearer t"}

    def test_a_call_without_a_token_sends_no_authorization(self) -> None:
        assert api_calls.enrol(None, "c-1").headers == {}


class TestVideoUpload:
    """A teacher's resumable upload: declared with the whole file's size and SHA-256, sent as
    raw checksummed chunks each at the offset the previous one ended, then completed."""

    def test_the_bytes_go_in_order_as_raw_chunks_with_their_checksums(self) -> None:
        seen: list[tuple[str, str, dict[str, str], bytes]] = []

        def video_processor(request: httpx.Request) -> httpx.Response:
            seen.append((request.method, str(request.url), dict(request.headers), request.content))
            if request.method == "POST" and request.url.path == "/videos":
                return httpx.Response(201, json={"id": "v-1"})
            return httpx.Response(200, json={"id": "v-1"})

        data = bytes(range(256)) * 10  # 2,560 bytes: three chunks of at most 1,000
        urls = {"video-processor": "http://video.test"}
        with httpx.Client(transport=httpx.MockTransport(video_processor)) as http:
            video = HarnessClient(urls, http).run(
                journeys.upload_video("t-1", "c-1", "l-1", data, chunk_bytes=1000)
            )

        assert video == "v-1"
        declared = json.loads(seen[0][3])
        assert declared == {
            "course_id": "c-1",
            "lesson_id": "l-1",
            "size_bytes": 2560,
            "content_type": "video/mp4",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        chunks = seen[1:-1]
        assert [url for _, url, _, _ in chunks] == [
            f"http://video.test/videos/v-1/content?offset={offset}" for offset in (0, 1000, 2000)
        ]
        assert b"".join(body for *_, body in chunks) == data
        for _, _, headers, body in chunks:
            assert headers["chunk-sha256"] == hashlib.sha256(body).hexdigest()
            assert headers["content-type"] == "application/octet-stream"
            assert headers["authorization"] == "Bearer t-1"
        assert seen[-1][:2] == ("POST", "http://video.test/videos/v-1/complete")


class TestVideoPlayback:
    """A student's player: the signed links, the master playlist, a rendition's playlist, one
    segment and a range of the original, each file named by its kind for statistics."""

    LINK = "/play/1765000000/c2lnbmF0dXJl/v-1"

    def test_signed_files_are_named_by_kind_with_placeholders(self) -> None:
        names = [
            api_calls.signed_file(f"{self.LINK}/{file}").name
            for file in (
                "hls/master.m3u8",
                "hls/240p/index.m3u8",
                "hls/480p/segment_012.ts",
                "hls/poster.jpg",
                "captions/pt-BR.vtt",
            )
        ]

        assert names == [
            "/play/{expires}/{signature}/{video_id}/hls/master.m3u8",
            "/play/{expires}/{signature}/{video_id}/hls/{rendition}/index.m3u8",
            "/play/{expires}/{signature}/{video_id}/hls/{rendition}/{segment}",
            "/play/{expires}/{signature}/{video_id}/hls/poster.jpg",
            "/play/{expires}/{signature}/{video_id}/captions/{language}.vtt",
        ]

    def test_a_range_of_the_original_asks_for_206(self) -> None:
        call = api_calls.signed_file(f"{self.LINK}/original", first_byte=0, last_byte=1023)

        assert call.name == "/play/{expires}/{signature}/{video_id}/original"
        assert call.headers == {"Range": "bytes=0-1023"}
        assert call.expect == (206,)

    def test_a_path_that_is_not_a_signed_link_is_refused(self) -> None:
        with pytest.raises(ValueError, match="not a signed playback link"):
            api_calls.signed_file("/videos/v-1/original")

    @pytest.mark.parametrize("captioned", [True, False])
    def test_the_player_follows_the_playlists_to_one_segment(self, captioned: bool) -> None:
        files = {
            "/hls/poster.jpg": "J" * 50,
            "/hls/master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n240p/index.m3u8\n",
            "/hls/240p/index.m3u8": "#EXTM3U\n#EXTINF:2.0,\nsegment_000.ts\n#EXT-X-ENDLIST\n",
            "/hls/240p/segment_000.ts": "G" * 188,
            "/captions/en.vtt": "WEBVTT\n",
        }
        tracks = [{"language": "en", "label": "English", "url": f"{self.LINK}/captions/en.vtt"}]
        seen: list[tuple[str, str | None]] = []

        def video_processor(request: httpx.Request) -> httpx.Response:
            seen.append((request.url.path, request.headers.get("range")))
            if request.url.path == "/videos/v-1/playback":
                assert request.headers["authorization"] == "Bearer t-1"
                links = {
                    "master_playlist_url": f"{self.LINK}/hls/master.m3u8",
                    "poster_url": f"{self.LINK}/hls/poster.jpg",
                    "original_url": f"{self.LINK}/original",
                    "captions": tracks if captioned else [],
                }
                return httpx.Response(200, json=links)
            if request.url.path.endswith("/original"):
                return httpx.Response(206, content=b"o" * 100)
            return httpx.Response(200, text=files[request.url.path.removeprefix(self.LINK)])

        urls = {"video-processor": "http://video.test"}
        with httpx.Client(transport=httpx.MockTransport(video_processor)) as http:
            watched = HarnessClient(urls, http).run(
                journeys.watch_video("t-1", "v-1", range_bytes=100)
            )

        rendition = f"{self.LINK}/hls/240p/index.m3u8"
        assert watched == journeys.Watched((rendition,), 50, 188, 7 if captioned else 0, 100)
        track = [(f"{self.LINK}/captions/en.vtt", None)] if captioned else []
        assert seen == [
            ("/videos/v-1/playback", None),
            (f"{self.LINK}/hls/poster.jpg", None),
            (f"{self.LINK}/hls/master.m3u8", None),
            (rendition, None),
            (f"{self.LINK}/hls/240p/segment_000.ts", None),
            *track,
            (f"{self.LINK}/original", "bytes=0-99"),
        ]


class TestFirstAnswer:
    def test_waits_through_none_and_refusals_for_the_first_answer(self) -> None:
        refusal = UnexpectedStatus(api_calls.video("t", "v"), "http://x", httpx.Response(404))
        answers: list[object] = [None, refusal, "found"]

        def attempt() -> str | None:
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return None if answer is None else str(answer)

        assert first_answer("the video", attempt, within=5) == "found"

    def test_names_what_never_came(self) -> None:
        with pytest.raises(AssertionError, match=r"the video: not within 0\.2 s"):
            first_answer("the video", lambda: None, within=0.2)


class TestCaptions:
    """A teacher's caption track: the raw WebVTT bytes as text/vtt, the label in the query,
    grouped under the path with its placeholders."""

    def test_the_track_is_sent_raw_as_text_vtt_with_its_label(self) -> None:
        vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n"
        call = api_calls.put_captions("t-1", "v-1", "pt-BR", vtt, label="Português (BR)")

        assert (call.method, call.service) == ("PUT", "video-processor")
        assert call.path == "/videos/v-1/captions/pt-BR?label=Portugu%C3%AAs+%28BR%29"
        assert call.name == "/videos/{video_id}/captions/{language}"
        assert call.content == vtt
        assert call.headers == {"Authorization": "Bearer t-1", "Content-Type": "text/vtt"}

    def test_without_a_label_there_is_no_query(self) -> None:
        assert (
            api_calls.put_captions("t-1", "v-1", "en", b"WEBVTT").path == "/videos/v-1/captions/en"
        )
