"""The enrollment API over HTTP (ASGI transport, real PostgreSQL): flows, problems, OpenAPI."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from edu.auth.testing import TokenMinter
from edu.enrollment.adapters.orm import outbox
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.testing import FakeCourseDirectory
from edu.testing.openapi_checks import undocumented

PROBLEM = "application/problem+json"


def student(minter: TokenMinter) -> dict[str, str]:
    return minter.headers(user_id=uuid4(), roles={"student"})


async def known_course(
    uow: SqlAlchemyEnrollmentUnitOfWork, *, lessons: int = 2, published: bool = True
) -> CourseOutline:
    course = CourseOutline(
        uuid4(), "Astronomy", published, frozenset(uuid4() for _ in range(lessons)), 1
    )
    async with uow:
        await uow.outlines.store(course)
        await uow.commit()
    return course


async def enrol(
    client: httpx.AsyncClient, headers: dict[str, str], course_id: UUID
) -> httpx.Response:
    return await client.post("/enrollments", json={"course_id": str(course_id)}, headers=headers)


class TestEnrol:
    async def test_first_enrollment_is_201_and_repeating_it_is_200_with_the_same_body(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, headers = await known_course(uow), student(minter)
        first = await enrol(client, headers, course.course_id)
        again = await enrol(client, headers, course.course_id)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert first.json()["progress"] == {
            "completed_lessons": 0,
            "total_lessons": 2,
            "percent": 0,
        }

    async def test_a_course_the_read_model_lacks_is_fetched_from_the_course_service(
        self, client: httpx.AsyncClient, minter: TokenMinter, course_service: FakeCourseDirectory
    ) -> None:
        course = CourseOutline(uuid4(), "Optics", True, frozenset({uuid4()}), 3)
        course_service.outlines[course.course_id] = course
        answer = await enrol(client, student(minter), course.course_id)
        assert (answer.status_code, answer.json()["course_title"]) == (201, "Optics")

    async def test_an_unknown_course_is_a_404_problem(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        answer = await enrol(client, student(minter), uuid4())
        assert (answer.status_code, answer.headers["content-type"]) == (404, PROBLEM)

    async def test_an_unpublished_course_is_a_409_problem(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course = await known_course(uow, published=False)
        answer = await enrol(client, student(minter), course.course_id)
        assert answer.status_code == 409
        assert "not open for enrolment" in answer.json()["detail"]

    async def test_a_course_service_outage_is_a_503_problem_not_a_500(
        self, client: httpx.AsyncClient, minter: TokenMinter, course_service: FakeCourseDirectory
    ) -> None:
        course_service.down = True
        answer = await enrol(client, student(minter), uuid4())
        assert (answer.status_code, answer.headers["content-type"]) == (503, PROBLEM)

    @pytest.mark.parametrize(
        "roles", [pytest.param({"teacher"}, id="teacher"), pytest.param(set(), id="no-role")]
    )
    async def test_only_students_enrol(
        self, client: httpx.AsyncClient, minter: TokenMinter, roles: set[str]
    ) -> None:
        answer = await client.post(
            "/enrollments", json={"course_id": str(uuid4())}, headers=minter.headers(roles=roles)
        )
        assert (answer.status_code, answer.headers["content-type"]) == (403, PROBLEM)

    async def test_without_a_token_it_is_a_401_problem(self, client: httpx.AsyncClient) -> None:
        answer = await client.post("/enrollments", json={"course_id": str(uuid4())})
        assert (answer.status_code, answer.headers["content-type"]) == (401, PROBLEM)


class TestCompleteLessons:
    async def test_completing_every_lesson_in_any_order_issues_a_public_certificate(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, headers = await known_course(uow, lessons=3), student(minter)
        enrollment = (await enrol(client, headers, course.course_id)).json()
        body: dict[str, Any] = {}
        for lesson_id in sorted(course.lesson_ids, reverse=True):
            url = f"/enrollments/{enrollment['id']}/completed-lessons/{lesson_id}"
            answer = await client.put(url, headers=headers)
            assert answer.status_code == 200, answer.text
            body = answer.json()
        assert (body["status"], body["progress"]["percent"]) == ("completed", 100)
        code = body["certificate_code"]
        assert len(code) >= 22
        verified = await client.get(f"/certificates/{code}")  # no token: public
        assert verified.status_code == 200
        assert verified.json()["course_title"] == "Astronomy"
        # The public check names no student (it would link a person's certificates together).
        assert set(verified.json()) == {"code", "course_id", "course_title", "issued_at"}

    async def test_completing_a_lesson_twice_answers_the_same_progress(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, headers = await known_course(uow, lessons=2), student(minter)
        enrollment = (await enrol(client, headers, course.course_id)).json()
        url = f"/enrollments/{enrollment['id']}/completed-lessons/{min(course.lesson_ids)}"
        first = await client.put(url, headers=headers)
        second = await client.put(url, headers=headers)
        assert first.json()["progress"] == second.json()["progress"]
        assert second.json()["progress"]["percent"] == 50

    async def test_a_lesson_of_another_course_is_a_404_problem(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, headers = await known_course(uow), student(minter)
        enrollment = (await enrol(client, headers, course.course_id)).json()
        answer = await client.put(
            f"/enrollments/{enrollment['id']}/completed-lessons/{uuid4()}", headers=headers
        )
        assert answer.status_code == 404
        assert "not part of the course" in answer.json()["detail"]

    async def test_another_students_enrollment_is_a_404(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course = await known_course(uow)
        enrollment = (await enrol(client, student(minter), course.course_id)).json()
        url = f"/enrollments/{enrollment['id']}/completed-lessons/{min(course.lesson_ids)}"
        assert (await client.put(url, headers=student(minter))).status_code == 404
        assert (
            await client.get(f"/enrollments/{enrollment['id']}", headers=student(minter))
        ).status_code == 404

    async def test_completion_writes_its_events_to_the_outbox_in_order(
        self,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        uow: SqlAlchemyEnrollmentUnitOfWork,
        db_connection: AsyncConnection,
    ) -> None:
        course, headers = await known_course(uow, lessons=1), student(minter)
        enrollment = (await enrol(client, headers, course.course_id)).json()
        lesson_id = next(iter(course.lesson_ids))
        await client.put(
            f"/enrollments/{enrollment['id']}/completed-lessons/{lesson_id}", headers=headers
        )
        rows = await db_connection.execute(
            select(outbox.c.type, outbox.c.version, outbox.c.aggregate)
            .where(outbox.c.aggregate_id == enrollment["id"])
            .order_by(outbox.c.position)
        )
        assert [tuple(row) for row in rows] == [
            ("enrollment.created", 1, "enrollment"),
            ("lesson.completed", 2, "enrollment"),
            ("course.completed", 3, "enrollment"),
            ("certificate.issued", 4, "enrollment"),
        ]


class TestListEnrollments:
    async def test_a_student_sees_only_their_enrollments_with_progress(
        self, client: httpx.AsyncClient, minter: TokenMinter, uow: SqlAlchemyEnrollmentUnitOfWork
    ) -> None:
        course, headers = await known_course(uow, lessons=4), student(minter)
        mine = (await enrol(client, headers, course.course_id)).json()
        await enrol(client, student(minter), course.course_id)
        await client.put(
            f"/enrollments/{mine['id']}/completed-lessons/{min(course.lesson_ids)}",
            headers=headers,
        )
        listed = (await client.get("/enrollments", headers=headers)).json()
        assert [(e["id"], e["progress"]["percent"]) for e in listed] == [(mine["id"], 25)]


class TestCertificates:
    @pytest.mark.parametrize("code", ["x" * 32, "short", "has spaces in it!!", "a" * 65])
    async def test_unknown_or_malformed_codes_are_4xx_problems(
        self, client: httpx.AsyncClient, code: str
    ) -> None:
        answer = await client.get(f"/certificates/{code}")
        assert answer.status_code in (404, 422)
        assert answer.headers["content-type"] == PROBLEM


class TestOpenApi:
    async def test_every_operation_has_a_summary_a_response_model_and_documented_4xx(
        self, client: httpx.AsyncClient
    ) -> None:
        assert undocumented((await client.get("/openapi.json")).json()) == []
