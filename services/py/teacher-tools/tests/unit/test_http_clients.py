"""The upstreams' clients against in-process fake upstreams (httpx.MockTransport: no network):
paths, tokens, paging, and every way an upstream can fail becoming UpstreamUnavailable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest

from edu.common.problems import PermissionDenied, Unauthenticated
from edu.teacher_tools.adapters.course_http import HttpCourseDirectory
from edu.teacher_tools.adapters.messaging_http import HttpQaHistory
from edu.teacher_tools.adapters.moderation_http import HttpHeldItems
from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.domain.questions import PostKind
from edu.teacher_tools.service_layer.ports import UpstreamUnavailable

Handler = Callable[[httpx.Request], httpx.Response]
COURSE_ID = str(uuid4())


def transport(name: str, handler: Handler) -> UpstreamTransport:
    return UpstreamTransport(
        name, "http://upstream.test", timeout=1, transport=httpx.MockTransport(handler)
    )


def course_json(**fields: Any) -> dict[str, Any]:
    return {
        "id": COURSE_ID,
        "title": "Python",
        "status": "published",
        "published_at": None,
        **fields,
    }


def post_json(seq: int, kind: str = "question", question_id: str | None = None) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "course_id": COURSE_ID,
        "kind": kind,
        "author_id": str(uuid4()),
        "body": f"post {seq}",
        "status": "visible",
        "created_at": "2026-12-05T12:00:00Z",
        "seq": seq,
        "question_id": question_id,
    }


def item_json(n: int) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "kind": "question",
        "subject_id": str(uuid4()),
        "course_id": COURSE_ID,
        "author_id": str(uuid4()),
        "text": f"held {n}",
        "submitted_at": "2026-12-05T12:00:00Z",
        "outcome": "hold",
        "reasons": [{"code": "spam", "detail": "sales words", "severity": "hold"}],
        "reviewer_id": None,
        "reviewed_at": None,
    }


class TestCourseDirectory:
    async def test_reads_the_callers_course_with_the_callers_token(self) -> None:
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json=course_json(published_at="2026-12-01T00:00:00Z"))

        course = await HttpCourseDirectory(transport("course", handler)).own_course("tok", uuid4())

        assert course is not None
        assert (course.id, course.title, course.ever_published) == (COURSE_ID, "Python", True)
        assert seen[0].url.path.startswith("/teaching/courses/")
        assert seen[0].headers["authorization"] == "Bearer tok"

    async def test_a_404_means_not_the_callers_course(self) -> None:
        directory = HttpCourseDirectory(transport("course", lambda _: httpx.Response(404)))
        assert await directory.own_course("tok", uuid4()) is None

    @pytest.mark.parametrize(
        ("status", "raised"), [(401, Unauthenticated), (403, PermissionDenied)]
    )
    async def test_courses_refusal_of_the_caller_is_passed_on(
        self, status: int, raised: type[Exception]
    ) -> None:
        directory = HttpCourseDirectory(transport("course", lambda _: httpx.Response(status)))
        with pytest.raises(raised):
            await directory.own_courses("tok")

    async def test_lists_the_callers_courses(self) -> None:
        directory = HttpCourseDirectory(
            transport("course", lambda _: httpx.Response(200, json=[course_json(), course_json()]))
        )
        assert len(await directory.own_courses("tok")) == 2

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(503),
            httpx.Response(200, text="<html>"),
            httpx.Response(200, json={"courses": []}),
            httpx.Response(200, json=[{"id": 1}]),
        ],
    )
    async def test_an_answer_that_is_no_answer_is_unavailable(self, answer: httpx.Response) -> None:
        directory = HttpCourseDirectory(transport("course", lambda _: answer))
        with pytest.raises(UpstreamUnavailable):
            await directory.own_courses("tok")

    async def test_a_refused_connection_is_unavailable(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        with pytest.raises(UpstreamUnavailable, match="ConnectError"):
            await HttpCourseDirectory(transport("course", refuse)).own_course("tok", uuid4())


class TestQaHistory:
    async def test_reads_every_page_after_the_last_seq(self) -> None:
        afters: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            after = int(request.url.params["after"])
            afters.append(request.url.params["after"])
            page = [post_json(after + 1), post_json(after + 2)]
            return httpx.Response(200, json={"posts": page, "more": after < 4, "unpublished": []})

        read = await HttpQaHistory(transport("messaging", handler)).posts(
            "tok", COURSE_ID, max_pages=10
        )

        assert afters == ["0", "2", "4"]
        assert [p.seq for p in read.posts] == [1, 2, 3, 4, 5, 6]
        assert read.complete

    async def test_stops_at_max_pages_and_says_the_history_was_longer(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            after = int(request.url.params["after"])
            return httpx.Response(
                200, json={"posts": [post_json(after + 1)], "more": True, "unpublished": []}
            )

        read = await HttpQaHistory(transport("messaging", handler)).posts(
            "tok", COURSE_ID, max_pages=3
        )
        assert (len(read.posts), read.complete) == (3, False)

    async def test_keeps_an_answers_question(self) -> None:
        question = post_json(1)
        answer = post_json(2, kind="answer", question_id=question["id"])
        handler = lambda _: httpx.Response(  # noqa: E731
            200, json={"posts": [question, answer], "more": False, "unpublished": []}
        )
        read = await HttpQaHistory(transport("messaging", handler)).posts(
            "tok", COURSE_ID, max_pages=1
        )
        assert [(p.kind, p.question_id) for p in read.posts] == [
            (PostKind.QUESTION, None),
            (PostKind.ANSWER, question["id"]),
        ]

    async def test_a_kind_it_does_not_know_is_left_out(self) -> None:
        handler = lambda _: httpx.Response(  # noqa: E731
            200, json={"posts": [post_json(1, kind="poll")], "more": False, "unpublished": []}
        )
        read = await HttpQaHistory(transport("messaging", handler)).posts(
            "tok", COURSE_ID, max_pages=1
        )
        assert read.posts == []

    @pytest.mark.parametrize("status", [401, 403, 404, 500, 503])
    async def test_a_refusal_or_failure_is_unavailable(self, status: int) -> None:
        history = HttpQaHistory(transport("messaging", lambda _: httpx.Response(status)))
        with pytest.raises(UpstreamUnavailable, match="messaging"):
            await history.posts("tok", COURSE_ID, max_pages=1)


class TestHeldItems:
    async def test_asks_for_the_course_and_pages_until_a_short_page(self) -> None:
        asked: list[httpx.QueryParams] = []

        def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.url.params)
            size = 100 if request.url.params["offset"] == "0" else 1
            return httpx.Response(200, json={"items": [item_json(n) for n in range(size)]})

        items = await HttpHeldItems(transport("moderation", handler)).held(
            "tok", COURSE_ID, max_pages=5
        )

        assert len(items) == 101
        assert [(p["course_id"], p["offset"]) for p in asked] == [
            (COURSE_ID, "0"),
            (COURSE_ID, "100"),
        ]
        assert items[0].reasons == ("spam",)

    async def test_every_course_when_none_is_named(self) -> None:
        asked: list[httpx.QueryParams] = []

        def handler(request: httpx.Request) -> httpx.Response:
            asked.append(request.url.params)
            return httpx.Response(200, json={"items": []})

        await HttpHeldItems(transport("moderation", handler)).held("tok", None, max_pages=5)
        assert "course_id" not in asked[0]

    @pytest.mark.parametrize(
        "answer", [httpx.Response(403), httpx.Response(502), httpx.Response(200, json={"x": 1})]
    )
    async def test_a_refusal_or_failure_is_unavailable(self, answer: httpx.Response) -> None:
        with pytest.raises(UpstreamUnavailable, match="moderation"):
            await HttpHeldItems(transport("moderation", lambda _: answer)).held(
                "tok", COURSE_ID, max_pages=1
            )
