"""teacher-tools -> course, messaging (Rust) and moderation: the teacher dashboard's three
upstreams, each through teacher-tools' real client (edu.teacher_tools.adapters) with the
teacher's own token.

Only what the dashboard reads is pinned (a tolerant reader): of course's teacher view the id,
title, status and whether it was ever published; of messaging's history each post's id, kind,
author, body, time, place and the question an answer answers, and whether more pages follow;
of moderation's queue each held item's ids, kind, text, time and reasons' codes. The provider
states (contracts/tests/provider/test_verify_teacher_tools.py) make the course, the posts and
the held item through the providers' own APIs; their ids come from the states."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.teacher_tools.adapters.course_http import HttpCourseDirectory
from edu.teacher_tools.adapters.messaging_http import HttpQaHistory
from edu.teacher_tools.adapters.moderation_http import HttpHeldItems
from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.domain.questions import PostKind, unanswered_questions

JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
NOBODYS = "00000000-0000-0000-0000-000000000000"  # no course id: not a version 4 UUID
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
A_COURSE_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
WHEN = match.regex(
    "2026-12-05T12:00:00.123456Z",
    regex=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
)
BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
FIRST_COURSE = "a new teacher with one published course"
PUBLISHED = "a signed-in teacher with a published course"
ANSWERED = "a teacher's course with two questions from a student, one answered by the teacher"
HELD = "a teacher's course whose title moderation holds"


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def state_bearer() -> AbstractMatcher[str]:
    """The state's teacher's token (course's states make or name the teacher)."""
    return from_state(f"Bearer {TOKEN}", "Bearer ${token}", r"^Bearer \S+$")


def transport(name: str, url: object) -> UpstreamTransport:
    return UpstreamTransport(name, str(url), timeout=5)


# course


def course_view(status: str = "published") -> dict[str, Any]:
    return {
        "id": match.uuid(COURSE_ID),
        "title": match.str("Python 3f2a1b"),
        "status": match.regex(status, regex=r"^(draft|published)$"),
        "published_at": match.regex("2026-12-05T12:00:00.123456Z", regex=r"^\d{4}-\d{2}-\d{2}T.+$"),
    }


def course_pact() -> Pact:
    pact = Pact("teacher-tools", "course").with_specification("V4")
    (
        pact.upon_receiving("a teacher reads one of their courses")
        .given(PUBLISHED)
        .with_request(
            "GET",
            from_state(
                f"/teaching/courses/{COURSE_ID}",
                "/teaching/courses/${course_id}",
                rf"^/teaching/courses/{A_COURSE_ID}$",
            ),
        )
        .with_header("Authorization", state_bearer())
        .will_respond_with(200)
        .with_body(course_view(), JSON)
    )
    (
        pact.upon_receiving("a teacher reads a course that is not theirs")
        .given(PUBLISHED)
        .with_request("GET", f"/teaching/courses/{NOBODYS}")
        .with_header("Authorization", state_bearer())
        .will_respond_with(404)
    )
    (
        pact.upon_receiving("a teacher lists their courses")
        .given(FIRST_COURSE)
        .with_request("GET", "/teaching/courses")
        # the state's own teacher: their one course is published (a draft's published_at
        # is null, which one example cannot also allow)
        .with_header("Authorization", state_bearer())
        .will_respond_with(200)
        .with_body(match.each_like(course_view(), min=1), JSON)
    )
    return pact


# messaging


def post(kind: str, seq: int, question_id: Any = None) -> dict[str, Any]:
    return {
        "id": match.uuid(),
        "kind": kind,
        "author_id": match.uuid(),
        "body": match.str(f"A {kind} about lesson one"),
        "created_at": WHEN,
        "seq": match.int(seq),
        "question_id": question_id,
    }


def messaging_pact() -> Pact:
    pact = Pact("teacher-tools", "messaging").with_specification("V4")
    (
        pact.upon_receiving("a teacher reads their course's Q&A history from the start")
        .given(ANSWERED)
        .with_request(
            "GET",
            from_state(
                f"/qa/courses/{COURSE_ID}/posts",
                "/qa/courses/${course_id}/posts",
                rf"^/qa/courses/{AN_ID}/posts$",
            ),
        )
        .with_query_parameters({"after": "0", "limit": "100"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                # the state's three posts in their places: two questions, then the answer to
                # the first (the answer's question id is the first question's)
                "posts": [
                    post("question", 1),
                    post("question", 2),
                    post("answer", 3, question_id=match.uuid()),
                ],
                "more": False,
            },
            JSON,
        )
    )
    return pact


# moderation


def held_item() -> dict[str, Any]:
    return {
        "id": match.uuid(),
        "kind": match.regex("course", regex=r"^(question|answer|course)$"),
        "subject_id": match.str(COURSE_ID),
        "course_id": match.str(COURSE_ID),
        "author_id": match.str("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        "text": match.str("Python 3f2a1b, click here"),
        "submitted_at": WHEN,
        "reasons": match.each_like({"code": match.str("spam")}, min=1),
    }


def moderation_pact() -> Pact:
    pact = Pact("teacher-tools", "moderation").with_specification("V4")
    (
        pact.upon_receiving("a teacher reads the items held from one of their courses")
        .given(HELD)
        .with_request("GET", "/moderation/queue")
        .with_query_parameters(
            {
                "limit": "100",
                "offset": "0",
                "course_id": from_state(COURSE_ID, "${course_id}", rf"^{AN_ID}$"),
            }
        )
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"items": match.each_like(held_item(), min=1)}, JSON)
    )
    (
        pact.upon_receiving("a teacher reads the items held from all their courses")
        .given(HELD)
        .with_request("GET", "/moderation/queue")
        .with_query_parameters({"limit": "100", "offset": "0"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"items": match.each_like(held_item(), min=1)}, JSON)
    )
    return pact


@pytest.mark.pact_pair("teacher-tools", "course")
class TestTeacherToolsCourseContract:
    async def test_teacher_tools_asks_course_whose_course_it_is(self, pact_check: Any) -> None:
        pact = course_pact()
        with pact.serve() as server:
            directory = HttpCourseDirectory(transport("course", server.url))
            course = await directory.own_course(TOKEN, UUID(COURSE_ID))
            assert course is not None
            assert (course.id, course.status, course.ever_published) == (
                COURSE_ID,
                "published",
                True,
            )
            assert await directory.own_course(TOKEN, UUID(NOBODYS)) is None
            [listed] = await directory.own_courses(TOKEN)
            assert listed.title.startswith("Python")
        pact_check(pact)


@pytest.mark.pact_pair("teacher-tools", "messaging")
class TestTeacherToolsMessagingContract:
    async def test_teacher_tools_reads_the_history_messaging_keeps(self, pact_check: Any) -> None:
        pact = messaging_pact()
        with pact.serve() as server:
            read = await HttpQaHistory(transport("messaging", server.url)).posts(
                TOKEN, COURSE_ID, max_pages=5
            )
            assert read.complete
            assert [p.kind for p in read.posts] == [
                PostKind.QUESTION,
                PostKind.QUESTION,
                PostKind.ANSWER,
            ]
            assert read.posts[2].question_id is not None
            # (the mock's ids are random: which question is answered is the provider's)
            assert len(unanswered_questions(read.posts)) == 2
        pact_check(pact)


@pytest.mark.pact_pair("teacher-tools", "moderation")
class TestTeacherToolsModerationContract:
    async def test_teacher_tools_reads_the_review_queue(self, pact_check: Any) -> None:
        pact = moderation_pact()
        with pact.serve() as server:
            held = HttpHeldItems(transport("moderation", server.url))
            [item] = await held.held(TOKEN, COURSE_ID, max_pages=5)
            assert (item.course_id, item.reasons) == (COURSE_ID, ("spam",))
            [every] = await held.held(TOKEN, None, max_pages=5)
            assert every.kind == "course"
        pact_check(pact)
