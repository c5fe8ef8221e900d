"""web's analytics client against the real analytics-api, in-process, over rollups the
analytics-aggregator's own use case wrote to a migrated analytics database of this module's
own (the API reads it in READ ONLY transactions, so it cannot share a rolled-back one): the
teacher's figures and days parse as the page reads them, a student is refused 403, another
teacher's course is the same 404 as an unknown one."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from edu.analytics_aggregator.adapters.unit_of_work import SqlAlchemyAnalyticsUnitOfWork
from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.service_layer.folding import LearningRollups
from edu.analytics_aggregator.testing import delivered, learning_event
from edu.analytics_api.entrypoints.app import make_app as analytics_app
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.auth.tokens import TokenVerifier
from edu.common.clock import SystemClock
from edu.common.settings import Environment
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database
from edu.web.bootstrap import WebContainer, bootstrap
from edu.web.clients.errors import ProblemError
from edu.web.settings import WebSettings

MIGRATIONS = Path(__file__).resolve().parents[5] / "migrations" / "analytics"
PASSWORD = "violet-kettle-orbit-9"


async def token_of(web: WebContainer, role: str, *, teacher: bool) -> tuple[str, str]:
    """A new account's (user id, access token)."""
    email = f"{role}-{uuid.uuid4().hex[:10]}@example.org"
    user = await web.identity.sign_up(email, PASSWORD, teacher=teacher)
    return str(user.id), (await web.identity.log_in(email, PASSWORD)).access_token


@pytest_asyncio.fixture(loop_scope="session")
async def analytics(
    postgres_server: PostgresServer, web: WebContainer, services: dict[str, FastAPI]
) -> AsyncIterator[tuple[WebContainer, LearningRollups, SqlAlchemyAnalyticsUnitOfWork]]:
    """web wired to an in-process analytics-api (identity's keys) over a fresh analytics
    database, and the aggregator's use case writing to it."""
    admin, name = postgres_server.url("postgres"), f"edu_test_web_analytics_{uuid.uuid4().hex[:8]}"
    await clone_from_template(admin, MIGRATIONS, name)
    engine = create_async_engine(postgres_server.url(name), pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    verifier = TokenVerifier.from_keys(await web.identity.jwks())
    settings = AnalyticsApiSettings(
        environment=Environment.TEST, database_url="postgresql+asyncpg://unused/analytics"
    )
    app = analytics_app(settings, sessions=sessions, verifier=verifier)
    transports: dict[str, httpx.AsyncBaseTransport] = {
        n: httpx.ASGITransport(app=a) for n, a in services.items()
    }
    wired = bootstrap(
        WebSettings(environment=Environment.TEST),
        transports={**transports, "analytics-api": httpx.ASGITransport(app=app)},
    )
    try:
        yield (
            wired,
            LearningRollups(lambda: SqlAlchemyAnalyticsUnitOfWork(sessions), SystemClock()),
            SqlAlchemyAnalyticsUnitOfWork(sessions),
        )
    finally:
        await wired.close()
        await engine.dispose()
        await drop_database(admin, name)


class TestAnalyticsClient:
    async def test_a_teacher_reads_the_figures_and_days_of_their_course(
        self, analytics: tuple[WebContainer, LearningRollups, SqlAlchemyAnalyticsUnitOfWork]
    ) -> None:
        wired, rollups, uow = analytics
        teacher_id, token = await token_of(wired, "teacher", teacher=True)
        course, lessons = str(uuid.uuid4()), (str(uuid.uuid4()), str(uuid.uuid4()))
        async with uow as work:
            await work.owners.merge(CourseOwner(course, teacher_id, "Sourdough", lessons, 1))
            await work.commit()
        now = datetime.now(UTC)
        for n, position in enumerate((30, 90)):
            who = {"user_id": f"student-{n}", "session_id": str(uuid.uuid4()), "course_id": course}
            await rollups.fold(
                delivered(learning_event("lesson.opened", now, lesson_id=lessons[1], **who))
            )
            heartbeat = learning_event(
                "lesson.heartbeat",
                now + timedelta(seconds=1),
                lesson_id=lessons[1],
                position_seconds=position,
                **who,
            )
            await rollups.fold(delivered(heartbeat))

        figures = await wired.analytics.course_figures(token, uuid.UUID(course))
        daily = await wired.analytics.daily_activity(token, uuid.UUID(course))

        assert figures.title == "Sourdough"
        assert [str(f.lesson_id) for f in figures.lessons] == list(lessons)  # the course's order
        untouched, read = figures.lessons
        assert (untouched.views, read.views, read.viewers, read.funnel.opened) == (0, 2, 2, 2)
        assert read.median_position_seconds == 60.0
        assert len(daily.days) == 30
        assert daily.days[-1].day == now.date()
        assert daily.days[-1].active_students == 2

    async def test_a_student_is_refused_and_another_teachers_course_is_not_found(
        self, analytics: tuple[WebContainer, LearningRollups, SqlAlchemyAnalyticsUnitOfWork]
    ) -> None:
        wired, _, uow = analytics
        owner, _ = await token_of(wired, "owner", teacher=True)
        _, other = await token_of(wired, "other", teacher=True)
        _, student = await token_of(wired, "student", teacher=False)
        course = str(uuid.uuid4())
        async with uow as work:
            await work.owners.merge(CourseOwner(course, owner, "Mine", (str(uuid.uuid4()),), 1))
            await work.commit()
        with pytest.raises(ProblemError) as refused:
            await wired.analytics.course_figures(student, uuid.UUID(course))
        assert refused.value.status == 403
        with pytest.raises(ProblemError) as theirs:
            await wired.analytics.daily_activity(other, uuid.UUID(course))
        with pytest.raises(ProblemError) as unknown:
            await wired.analytics.daily_activity(other, uuid.uuid4())
        # the same words for both, but for the id asked about: whether it exists is not told
        assert theirs.value.status == unknown.value.status == 404
        assert theirs.value.title == unknown.value.title
        assert "among the courses you teach" in theirs.value.message
