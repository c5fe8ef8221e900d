"""web -> teacher-tools: the teacher's "Needs attention" page through web's real
teacher-tools client (edu.web.clients.teacher_tools), with the session teacher's token.

The state (contracts/tests/provider/test_verify_teacher_tools.py) makes a published course of
the session teacher, a student enrolled who asked a question nobody answered, and waits until
teacher-tools shows both (messaging's history, its own enrolments read model). Only what the
page shows is pinned; held items are pinned by shape only (the state holds none)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.teacher_tools import HttpTeacherToolsClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
WHEN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
WAITING = "a teacher's published course with an enrolled student's unanswered question"


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


def section(status: str = "available") -> AbstractMatcher[str]:
    return match.regex(status, regex=r"^(available|unavailable)$")


def dashboard_pact() -> Pact:
    pact = Pact("web", "teacher-tools").with_specification("V4")
    (
        pact.upon_receiving("a teacher reads what needs attention in one of their courses")
        .given(WAITING)
        .with_request(
            "GET",
            from_state(
                f"/teacher/courses/{COURSE_ID}/dashboard",
                "/teacher/courses/${course_id}/dashboard",
                rf"^/teacher/courses/{AN_ID}/dashboard$",
            ),
        )
        .with_header("Authorization", match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$"))
        .will_respond_with(200)
        .with_body(
            {
                "course": {
                    "id": match.uuid(COURSE_ID),
                    "title": match.str("Python 3f2a1b"),
                    "status": match.str("published"),
                },
                "unanswered_questions": {
                    "status": section(),
                    "count": match.int(1),
                    "complete": match.bool(True),
                    "questions": match.each_like(
                        {
                            "id": match.uuid(),
                            "author_id": match.uuid(),
                            "body": match.str("Why does lesson one loop forever?"),
                            "asked_at": match.regex("2026-12-06T12:00:00.123456Z", regex=WHEN),
                        },
                        min=1,
                    ),
                },
                "held_items": {
                    "status": section(),
                    "count": match.int(0),
                    "items": match.each_like(
                        {
                            "id": match.uuid(),
                            "kind": match.str("question"),
                            "text": match.str("BUY CHEAP FOLLOWERS"),
                            "submitted_at": match.regex("2026-12-06T12:00:00Z", regex=WHEN),
                            "reasons": match.each_like("spam", min=0),
                        },
                        min=0,
                    ),
                },
                "enrolment": {
                    "status": section(),
                    "figures": {
                        "enrolled": match.int(1),
                        "completed": match.int(0),
                        "active": match.int(1),
                        "completion_rate": match.number(0.0),
                    },
                },
            },
            JSON,
        )
    )
    return pact


@pytest.mark.pact_pair("web", "teacher-tools")
class TestWebTeacherToolsContract:
    async def test_web_reads_the_dashboard_teacher_tools_serves(self, pact_check: Any) -> None:
        pact = dashboard_pact()
        with pact.serve() as server:
            client = HttpTeacherToolsClient(
                ServiceTransport("teacher-tools", str(server.url), timeout=5)
            )
            read = await client.course_dashboard(TOKEN, UUID(COURSE_ID))
            assert read.unanswered_questions.count == 1
            assert read.unanswered_questions.questions[0].body.startswith("Why")
            assert read.enrolment.figures is not None
            assert read.enrolment.figures.enrolled == 1
        pact_check(pact)
