"""Races: 500 concurrent duplicate enrol requests make exactly one enrolment and no response
>= 500; the last lessons completed at the same moment still complete the course exactly once.

These tests cannot run inside the usual rolled-back transaction: racing requests need their own
connections and real commits. They use their own engine on the worker's database and delete
the rows they made afterwards (everything of their own, freshly made course).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import httpx
import pytest_asyncio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.db.engine import create_engine, session_factory
from edu.enrollment.adapters.orm import certificates, course_outlines, enrollments, outbox
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.entrypoints.app import make_app
from edu.enrollment.settings import EnrollmentSettings
from edu.enrollment.testing import FakeCourseDirectory

REQUESTS = 500
# 20 (+20 overflow) connections: real contention, well within PostgreSQL's default 100.
POOL = 20


@pytest_asyncio.fixture(loop_scope="session")
async def committing_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=POOL)
    yield engine
    await engine.dispose()


async def _forget_course(engine: AsyncEngine, course_id: UUID) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            delete(outbox).where(outbox.c.payload["course_id"].astext == str(course_id))
        )
        await connection.execute(delete(enrollments).where(enrollments.c.course_id == course_id))
        await connection.execute(
            delete(course_outlines).where(course_outlines.c.course_id == course_id)
        )


class TestConcurrentEnrollment:
    async def test_500_duplicate_requests_create_exactly_one_enrollment_and_no_5xx(
        self, committing_engine: AsyncEngine, settings: EnrollmentSettings, minter: TokenMinter
    ) -> None:
        sessions = session_factory(committing_engine)
        course = CourseOutline(uuid4(), "Racing", True, frozenset({uuid4()}), 1)
        student = uuid4()
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as uow:
            await uow.outlines.store(course)
            await uow.commit()
        app = make_app(
            settings,
            sessions=sessions,
            verifier=TokenVerifier.from_keys(minter.jwks()),
            directory=FakeCourseDirectory(),
        )
        body = {"course_id": str(course.course_id)}
        headers = minter.headers(user_id=student, roles={"student"})
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://e.test") as client:

                async def enrol(as_student: dict[str, str]) -> httpx.Response:
                    return await client.post("/enrollments", json=body, headers=as_student)

                # Warm up like a running server: other students enrol at once, so every pooled
                # connection is open and has its statements prepared. A cold pool opens
                # connections one by one, which spaces the racing requests out and would hide
                # the very race this test is about.
                others = [minter.headers(roles={"student"}) for _ in range(2 * POOL)]
                await asyncio.gather(*(enrol(other) for other in others))

                answers = await asyncio.gather(*(enrol(headers) for _ in range(REQUESTS)))
            statuses = Counter(answer.status_code for answer in answers)
            async with committing_engine.connect() as connection:
                stored = await connection.scalar(
                    select(func.count()).where(enrollments.c.student_id == student)
                )
                created_events = await connection.scalar(
                    select(func.count()).where(
                        outbox.c.type == "enrollment.created",
                        outbox.c.payload["student_id"].astext == str(student),
                    )
                )
            assert statuses == {201: 1, 200: REQUESTS - 1}, statuses
            assert len({answer.json()["id"] for answer in answers}) == 1
            assert (stored, created_events) == (1, 1)
        finally:
            await _forget_course(committing_engine, course.course_id)


class TestConcurrentCompletion:
    async def test_the_last_two_lessons_completed_at_once_complete_the_course_once(
        self, committing_engine: AsyncEngine, settings: EnrollmentSettings, minter: TokenMinter
    ) -> None:
        sessions = session_factory(committing_engine)
        first, second = uuid4(), uuid4()
        course = CourseOutline(uuid4(), "Photo finish", True, frozenset({first, second}), 1)
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as uow:
            await uow.outlines.store(course)
            await uow.commit()
        app = make_app(
            settings,
            sessions=sessions,
            verifier=TokenVerifier.from_keys(minter.jwks()),
            directory=FakeCourseDirectory(),
        )
        students = [minter.headers(roles={"student"}) for _ in range(POOL)]
        body = {"course_id": str(course.course_id)}
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://e.test") as client:
                enrolled = await asyncio.gather(
                    *(client.post("/enrollments", json=body, headers=h) for h in students)
                )
                # Every student completes both lessons at the same moment.
                await asyncio.gather(
                    *(
                        client.put(
                            f"/enrollments/{answer.json()['id']}/completed-lessons/{lesson}",
                            headers=headers,
                        )
                        for answer, headers in zip(enrolled, students, strict=True)
                        for lesson in (first, second)
                    )
                )
            async with committing_engine.connect() as connection:
                statuses = Counter(
                    (
                        await connection.execute(
                            select(enrollments.c.status).where(
                                enrollments.c.course_id == course.course_id
                            )
                        )
                    ).scalars()
                )
                issued = await connection.scalar(
                    select(func.count()).where(certificates.c.course_id == course.course_id)
                )
            assert statuses == {"completed": POOL}
            assert issued == POOL
        finally:
            await _forget_course(committing_engine, course.course_id)
