"""The HTTP API over fake upstreams: tokens, problem+json, partial dashboards (never a 500)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
import pytest_asyncio

from edu.auth.principal import STUDENT, TEACHER
from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.teacher_tools.domain.dashboard import CourseRef, HeldItem
from edu.teacher_tools.domain.questions import Post
from edu.teacher_tools.entrypoints.app import make_app
from edu.teacher_tools.settings import TeacherToolsSettings
from edu.teacher_tools.testing import (
    FakeCourseDirectory,
    FakeEnrolmentFigures,
    FakeHeldItems,
    FakeQaHistory,
)

PROBLEM = "application/problem+json"
MakeCourse = Callable[..., CourseRef]


@pytest.fixture(scope="module")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest_asyncio.fixture
async def client(
    minter: TokenMinter,
    courses: FakeCourseDirectory,
    qa: FakeQaHistory,
    held: FakeHeldItems,
    figures: FakeEnrolmentFigures,
) -> AsyncIterator[httpx.AsyncClient]:
    app = make_app(
        # the engine made for this URL is never used: every port is a fake
        TeacherToolsSettings(database_url="postgresql+asyncpg://unused/unused"),
        courses=courses,
        qa=qa,
        held=held,
        figures=figures,
        verifier=TokenVerifier.from_keys(minter.jwks()),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://teacher-tools.test"
    ) as client:
        yield client


@pytest.fixture
def teacher_token(minter: TokenMinter) -> str:
    return minter.mint(roles=[TEACHER])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestCourseDashboardOverHttp:
    async def test_answers_both_sections(
        self,
        client: httpx.AsyncClient,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher_token: str,
        make_course: MakeCourse,
        make_post: Callable[..., Post],
        make_held: Callable[..., HeldItem],
    ) -> None:
        courses.own(teacher_token, course := make_course())
        qa.by_course[course.id] = [question := make_post()]
        held.items = [item := make_held(course.id)]

        response = await client.get(
            f"/teacher/courses/{course.id}/dashboard", headers=bearer(teacher_token)
        )

        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        assert body["course"] == {"id": course.id, "title": course.title, "status": "published"}
        questions = body["unanswered_questions"]
        assert (questions["status"], questions["count"], questions["complete"]) == (
            "available",
            1,
            True,
        )
        assert questions["questions"][0]["id"] == question.id
        assert body["held_items"]["items"][0]["id"] == item.id
        assert body["held_items"]["items"][0]["reasons"] == ["spam"]

    async def test_both_upstreams_down_is_still_a_200_with_both_sections_unavailable(
        self,
        client: httpx.AsyncClient,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher_token: str,
        make_course: MakeCourse,
    ) -> None:
        courses.own(teacher_token, course := make_course())
        qa.down = held.down = True

        response = await client.get(
            f"/teacher/courses/{course.id}/dashboard", headers=bearer(teacher_token)
        )

        assert response.status_code == 200
        body = response.json()
        assert body["unanswered_questions"] == {
            "status": "unavailable",
            "reason": "messaging: answered 503",
            "count": None,
            "complete": None,
            "questions": [],
        }
        assert body["held_items"]["status"] == "unavailable"
        assert body["held_items"]["count"] is None
        assert body["enrolment"] == {
            "status": "available",
            "reason": None,
            "figures": {"enrolled": 0, "completed": 0, "active": 0, "completion_rate": None},
        }

    async def test_the_database_down_is_an_unavailable_figures_section(
        self,
        client: httpx.AsyncClient,
        courses: FakeCourseDirectory,
        figures: FakeEnrolmentFigures,
        teacher_token: str,
        make_course: MakeCourse,
    ) -> None:
        courses.own(teacher_token, course := make_course())
        figures.down = True

        response = await client.get(
            f"/teacher/courses/{course.id}/dashboard", headers=bearer(teacher_token)
        )

        assert response.status_code == 200
        assert response.json()["enrolment"] == {
            "status": "unavailable",
            "reason": "teacher-tools' database: ConnectionRefusedError",
            "figures": None,
        }

    async def test_another_teachers_course_is_a_404_problem(
        self, client: httpx.AsyncClient, teacher_token: str
    ) -> None:
        response = await client.get(
            f"/teacher/courses/{uuid4()}/dashboard", headers=bearer(teacher_token)
        )
        assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)

    async def test_a_course_id_that_is_no_uuid_is_a_422_problem(
        self, client: httpx.AsyncClient, teacher_token: str
    ) -> None:
        response = await client.get(
            "/teacher/courses/not-a-course/dashboard", headers=bearer(teacher_token)
        )
        assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
        assert response.json()["errors"][0]["field"] == "path.course_id"

    async def test_no_token_is_a_401_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/teacher/courses/{uuid4()}/dashboard")
        assert (response.status_code, response.headers["content-type"]) == (401, PROBLEM)

    async def test_a_forged_token_is_a_401_problem(self, client: httpx.AsyncClient) -> None:
        forged = TokenMinter().mint(roles=[TEACHER])
        response = await client.get("/teacher/courses", headers=bearer(forged))
        assert response.status_code == 401

    async def test_a_student_is_a_403_problem(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        response = await client.get("/teacher/courses", headers=minter.headers(roles=[STUDENT]))
        assert (response.status_code, response.headers["content-type"]) == (403, PROBLEM)

    async def test_course_down_is_a_503_problem_with_retry_after(
        self, client: httpx.AsyncClient, courses: FakeCourseDirectory, teacher_token: str
    ) -> None:
        courses.down = True
        response = await client.get(
            f"/teacher/courses/{uuid4()}/dashboard", headers=bearer(teacher_token)
        )
        assert (response.status_code, response.headers["content-type"]) == (503, PROBLEM)
        assert response.headers["retry-after"] == "5"


class TestMyCoursesOverHttp:
    async def test_lists_courses_with_counts_and_unavailable_ones_marked(
        self,
        client: httpx.AsyncClient,
        courses: FakeCourseDirectory,
        held: FakeHeldItems,
        teacher_token: str,
        make_course: MakeCourse,
    ) -> None:
        courses.own(teacher_token, course := make_course())
        held.down = True

        response = await client.get("/teacher/courses", headers=bearer(teacher_token))

        assert response.status_code == 200
        [line] = response.json()["courses"]
        assert UUID(line["course"]["id"]) == UUID(course.id)
        assert line["unanswered_questions"] == {"status": "available", "reason": None, "count": 0}
        assert line["held_items"]["status"] == "unavailable"


class TestReadiness:
    async def test_ready_while_course_answers(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/ready")).json() == {"status": "ready"}

    async def test_not_ready_while_the_database_is_down(
        self, client: httpx.AsyncClient, figures: FakeEnrolmentFigures
    ) -> None:
        figures.down = True
        assert (await client.get("/ready")).status_code == 503

    async def test_not_ready_while_course_is_down(
        self, client: httpx.AsyncClient, courses: FakeCourseDirectory
    ) -> None:
        courses.down = True
        response = await client.get("/ready")
        assert (response.status_code, response.headers["content-type"]) == (503, PROBLEM)

    async def test_health_answers_without_any_upstream(
        self, client: httpx.AsyncClient, courses: FakeCourseDirectory
    ) -> None:
        courses.down = True
        assert (await client.get("/health")).status_code == 200
