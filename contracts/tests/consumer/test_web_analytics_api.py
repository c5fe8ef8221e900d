"""web -> analytics-api: the teacher's analytics page, through web's real analytics client.

The figures are of a course the provider state makes (a teacher publishes it, a student opens
its lesson and reports a position): its id comes from that state (``${course_id}``) and the
teacher's token is the session's. Only the fields the page shows are pinned (tolerant reader:
the daily answer's ``from``/``to`` are not read)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.analytics import HttpAnalyticsClient
from edu.web.clients.transport import ServiceTransport


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


JSON = "application/json"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
COURSE_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"
LESSON_ID = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
BEARER = match.regex(f"Bearer {TOKEN}", regex=r"^Bearer \S+$")
VISITED = "a teacher's published course whose lesson a student opened"
FIGURES_PATH = from_state(
    f"/analytics/courses/{COURSE_ID}",
    "/analytics/courses/${course_id}",
    rf"^/analytics/courses/{AN_ID}$",
)
DAILY_PATH = from_state(
    f"/analytics/courses/{COURSE_ID}/daily",
    "/analytics/courses/${course_id}/daily",
    rf"^/analytics/courses/{AN_ID}/daily$",
)
LESSON = {
    "lesson_id": match.uuid(LESSON_ID),
    "views": match.int(1),
    "viewers": match.int(1),
    "funnel": {
        "opened": match.int(1),
        "past_halfway": match.int(0),
        "finished": match.int(0),
    },
    "sessions": match.int(1),
    "median_position_seconds": match.number(30.0),
    "duration_seconds": match.int(0),
    "drop_off": match.each_like(
        {"from_seconds": match.int(0), "to_seconds": match.int(60), "sessions": match.int(1)}
    ),
}


def analytics_pact() -> Pact:
    pact = Pact("web", "analytics-api").with_specification("V4")
    (
        pact.upon_receiving("a teacher reads a course's figures per lesson")
        .given(VISITED)
        .with_request("GET", FIGURES_PATH)
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "course_id": match.uuid(COURSE_ID),
                "title": match.str("Python for beginners"),
                "lessons": match.each_like(LESSON),
            },
            JSON,
        )
    )
    (
        pact.upon_receiving("a teacher reads a course's active students per day")
        .given(VISITED)
        .with_request("GET", DAILY_PATH)
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(
            {
                "course_id": match.uuid(COURSE_ID),
                "days": match.each_like(
                    {
                        "day": match.regex("2026-12-05", regex=r"^\d{4}-\d{2}-\d{2}$"),
                        "active_students": match.int(1),
                    }
                ),
            },
            JSON,
        )
    )
    return pact


@pytest.mark.pact_pair("web", "analytics-api")
class TestWebAnalyticsContract:
    async def test_web_analytics_client_reads_what_analytics_api_promises(
        self, pact_check: Any
    ) -> None:
        pact = analytics_pact()
        with pact.serve() as server:
            client = HttpAnalyticsClient(
                ServiceTransport("analytics-api", str(server.url), timeout=5)
            )
            figures = await client.course_figures(TOKEN, UUID(COURSE_ID))
            daily = await client.daily_activity(TOKEN, UUID(COURSE_ID))
            (lesson,) = figures.lessons
            assert lesson.views == 1
            assert lesson.median_position_seconds == 30.0
            assert lesson.drop_off[0].to_seconds == 60
            assert daily.days[0].active_students == 1
        pact_check(pact)
