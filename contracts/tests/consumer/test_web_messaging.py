"""web -> messaging (a Python consumer of a Rust provider): the course Q&A panel through web's
real messaging client (edu.web.clients.messaging, issue 24), with the student's token.

What web reads is pinned, and only that: each post's id, course, kind, author, body, status,
time, question and place; a page's ``more`` and the caller's own ``unpublished`` posts (the
panel's "awaiting review"); a refused text's reason at ``body``. The provider states are made
through the providers' APIs before the verifier runs (contracts/tests/provider/
test_verify_rust_consumers.py): a course the session's student is enrolled in, where the
student asked a question the teacher answered (both allowed by moderation, so visible) and a
second question moderation holds (a word its rules hold: "loser"). Course and question ids come from the state
(``fromProviderState``); the 403 asks about a course id no course has."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.errors import ProblemError
from edu.web.clients.messaging import HttpMessagingClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
PROBLEM = "application/problem+json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
OTHER_COURSE_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"
QUESTION_ID = "7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
WHEN = match.regex(
    "2026-12-05T12:00:00.123456Z",
    regex=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
)
BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
DISCUSSED = (
    "a student's course with their question answered by the teacher and another question "
    "moderation holds"
)


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` here, matched by ``regex``; the verifier sends ``expression`` with the
    provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def course_path(suffix: str) -> AbstractMatcher[str]:
    return from_state(
        f"/qa/courses/{COURSE_ID}{suffix}",
        "/qa/courses/${course_id}" + suffix,
        rf"^/qa/courses/{AN_ID}{suffix}$",
    )


def post(kind: str, body: str, *, status: str, seq: Any, question_id: Any) -> dict[str, Any]:
    return {
        "id": match.uuid(),
        "course_id": match.uuid(COURSE_ID),
        "kind": kind,
        "author_id": match.uuid(),
        "body": match.str(body),
        "status": status,
        "created_at": WHEN,
        "question_id": question_id,
        "seq": seq,
    }


def problem(status: int, title: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "title": match.str(title)}
    if errors is not None:
        body["errors"] = errors
    return body


def messaging_pact() -> Pact:
    pact = Pact("web", "messaging").with_specification("V4")
    (
        pact.upon_receiving("a student reads the Q&A of a course they do not take part in")
        # a course id no course has: nobody takes part in it. Literal, and first, so that the
        # mock server tells it from the state's course (whose path is a pattern)
        .with_request("GET", f"/qa/courses/{OTHER_COURSE_ID}/posts")
        .with_query_parameters({"limit": "20"})
        .with_header("Authorization", BEARER)
        .will_respond_with(403)
        .with_body(problem(403, "Forbidden"), PROBLEM)
    )
    (
        pact.upon_receiving("a student reads the latest page of a course's Q&A")
        .given(DISCUSSED)
        .with_request("GET", course_path("/posts"))
        .with_query_parameters({"limit": "20"})
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                # the question, then the teacher's answer to it, in their places
                "posts": [
                    post(
                        "question",
                        "Why does lesson one loop forever?",
                        status="visible",
                        seq=match.int(1),
                        question_id=None,
                    ),
                    post(
                        "answer",
                        "Add a break condition.",
                        status="visible",
                        seq=match.int(2),
                        question_id=match.uuid(QUESTION_ID),
                    ),
                ],
                "more": False,
                # the student's own held question: others do not see it, they do
                "unpublished": [
                    post(
                        "question",
                        "Am I a loser for not getting lesson one?",
                        status="pending",
                        seq=None,
                        question_id=None,
                    )
                ],
            },
            JSON,
        )
    )
    (
        pact.upon_receiving("a student asks a question")
        .given(DISCUSSED)
        .with_request("POST", course_path("/questions"))
        .with_header("Authorization", BEARER)
        .with_body({"body": "What does the second exercise ask for?"}, JSON)
        .will_respond_with(201)
        .with_body(
            post(
                "question",
                "What does the second exercise ask for?",
                status="pending",
                seq=None,
                question_id=None,
            ),
            JSON,
        )
    )
    (
        pact.upon_receiving("a student asks an empty question")
        .given(DISCUSSED)
        .with_request("POST", course_path("/questions"))
        .with_header("Authorization", BEARER)
        .with_body({"body": "   "}, JSON)
        .will_respond_with(422)
        .with_body(
            problem(
                422,
                "Unprocessable Content",
                match.each_like(
                    {"field": "body.body", "message": match.str("write something")}, min=1
                ),
            ),
            PROBLEM,
        )
    )
    (
        pact.upon_receiving("an answer to a question of the course")
        .given(DISCUSSED)
        .with_request(
            "POST",
            from_state(
                f"/qa/courses/{COURSE_ID}/questions/{QUESTION_ID}/answers",
                "/qa/courses/${course_id}/questions/${question_id}/answers",
                rf"^/qa/courses/{AN_ID}/questions/{AN_ID}/answers$",
            ),
        )
        .with_header("Authorization", BEARER)
        .with_body({"body": "It loops until the list is empty."}, JSON)
        .will_respond_with(201)
        .with_body(
            post(
                "answer",
                "It loops until the list is empty.",
                status="pending",
                seq=None,
                question_id=match.uuid(QUESTION_ID),
            ),
            JSON,
        )
    )
    return pact


@pytest.mark.pact_pair("web", "messaging")
class TestWebMessagingContract:
    async def test_web_reads_asks_and_answers_as_messaging_answers(self, pact_check: Any) -> None:
        pact = messaging_pact()
        course = UUID(COURSE_ID)
        with pact.serve() as server:
            client = HttpMessagingClient(ServiceTransport("messaging", str(server.url), timeout=5))
            page = await client.posts(TOKEN, course, limit=20)
            question, answer = page.posts
            assert (question.kind, answer.kind) == ("question", "answer")
            assert answer.question_id == UUID(QUESTION_ID)
            assert [p.seq for p in page.posts] == [1, 2]
            assert page.more is False
            [held] = page.unpublished
            assert (held.status, held.seq) == ("pending", None)
            asked = await client.ask(TOKEN, course, "What does the second exercise ask for?")
            assert (asked.kind, asked.status, asked.seq) == ("question", "pending", None)
            with pytest.raises(ProblemError) as refused:
                await client.ask(TOKEN, course, "   ")
            assert refused.value.status == 422
            assert "body" in refused.value.field_errors
            answered = await client.answer(
                TOKEN, course, UUID(QUESTION_ID), "It loops until the list is empty."
            )
            assert (answered.kind, answered.question_id) == ("answer", UUID(QUESTION_ID))
            with pytest.raises(ProblemError) as not_member:
                await client.posts(TOKEN, UUID(OTHER_COURSE_ID), limit=20)
            assert not_member.value.status == 403
        pact_check(pact)
