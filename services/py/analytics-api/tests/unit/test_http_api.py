"""The HTTP API over a fake reader: who may see what, and what bad input gets."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest

from edu.analytics_api.domain.figures import LessonCounts, SessionRow
from edu.analytics_api.testing import FakeAnalyticsReader
from edu.auth.testing import TokenMinter

PROBLEM = "application/problem+json"


class TestAuthorization:
    async def test_a_teacher_sees_their_course_per_lesson_in_the_course_order(
        self, client: httpx.AsyncClient, reader: FakeAnalyticsReader, teacher: dict[str, str]
    ) -> None:
        reader.counts["c-1"] = [LessonCounts("l-2", 5, 4, 2, 1), LessonCounts("l-1", 9, 7, 5, 3)]
        reader.session_rows["c-1"] = [SessionRow("l-1", 120, 300, 600, False)]

        response = await client.get("/analytics/courses/c-1", headers=teacher)

        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "SQL"
        assert [lesson["lesson_id"] for lesson in body["lessons"]] == ["l-1", "l-2"]
        first = body["lessons"][0]
        assert first["funnel"] == {"opened": 7, "past_halfway": 5, "finished": 3}
        assert (first["views"], first["median_position_seconds"]) == (9, 300)
        assert first["drop_off"][2] == {"from_seconds": 120, "to_seconds": 180, "sessions": 1}

    async def test_another_teachers_course_and_a_missing_one_answer_the_same_404(
        self, client: httpx.AsyncClient, teacher: dict[str, str]
    ) -> None:
        theirs = await client.get("/analytics/courses/c-2", headers=teacher)
        missing = await client.get("/analytics/courses/nope", headers=teacher)

        assert theirs.status_code == missing.status_code == 404
        assert theirs.headers["content-type"] == PROBLEM
        assert theirs.json()["title"] == missing.json()["title"]
        assert "Rust" not in theirs.text

    async def test_the_other_teachers_daily_figures_are_refused_too(
        self, client: httpx.AsyncClient, teacher: dict[str, str]
    ) -> None:
        response = await client.get("/analytics/courses/c-2/daily", headers=teacher)

        assert response.status_code == 404

    async def test_a_student_is_forbidden(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        student = minter.headers(user_id=uuid.uuid4(), roles={"student"})

        response = await client.get("/analytics/courses/c-1", headers=student)

        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM

    async def test_without_a_token_it_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/analytics/courses/c-1")

        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM


class TestDaily:
    async def test_every_day_of_the_range_is_listed_zero_included(
        self, client: httpx.AsyncClient, reader: FakeAnalyticsReader, teacher: dict[str, str]
    ) -> None:
        reader.active[("c-1", date(2026, 3, 2))] = 4

        response = await client.get(
            "/analytics/courses/c-1/daily",
            params={"from": "2026-03-01", "to": "2026-03-03"},
            headers=teacher,
        )

        assert response.status_code == 200
        assert response.json() == {
            "course_id": "c-1",
            "from": "2026-03-01",
            "to": "2026-03-03",
            "days": [
                {"day": "2026-03-01", "active_students": 0},
                {"day": "2026-03-02", "active_students": 4},
                {"day": "2026-03-03", "active_students": 0},
            ],
        }

    async def test_the_default_range_is_the_last_30_days_to_today(
        self, client: httpx.AsyncClient, teacher: dict[str, str]
    ) -> None:
        body = (await client.get("/analytics/courses/c-1/daily", headers=teacher)).json()

        assert (body["from"], body["to"], len(body["days"])) == ("2026-02-09", "2026-03-10", 30)

    @pytest.mark.parametrize(
        ("params", "says"),
        [
            ({"from": "2026-03-05", "to": "2026-03-01"}, "must not be after"),
            ({"from": "2024-01-01", "to": "2026-03-01"}, "at most 366 days"),
            ({"from": "yesterday"}, "from"),
            ({"to": "2026-02-30"}, "to"),
        ],
    )
    async def test_bad_dates_get_422_problems_that_say_what_is_wrong(
        self,
        client: httpx.AsyncClient,
        teacher: dict[str, str],
        params: dict[str, str],
        says: str,
    ) -> None:
        response = await client.get("/analytics/courses/c-1/daily", params=params, headers=teacher)

        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert says in response.text


class TestHealth:
    async def test_ready_answers_503_when_the_database_cannot_be_read(
        self, client: httpx.AsyncClient, reader: FakeAnalyticsReader
    ) -> None:
        assert (await client.get("/ready")).status_code == 200
        reader.reachable = False

        response = await client.get("/ready")

        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert (await client.get("/health")).status_code == 200
