"""The API over rollups the aggregator really wrote: the SQL reader's queries against the
migrated schema, the owner's figures, another teacher refused, nothing written by a read."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.analytics_aggregator.adapters.unit_of_work import SqlAlchemyAnalyticsUnitOfWork
from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.service_layer.folding import LearningRollups
from edu.analytics_aggregator.testing import delivered, learning_event
from edu.analytics_api.entrypoints.app import make_app
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.common.settings import Environment

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWNER, OTHER = uuid.uuid4(), uuid.uuid4()


async def write_history(sessions: Sessions) -> None:
    def uow() -> SqlAlchemyAnalyticsUnitOfWork:
        return SqlAlchemyAnalyticsUnitOfWork(sessions)

    async with uow() as work:
        await work.owners.merge(CourseOwner("c-1", str(OWNER), "SQL", ("l-1", "l-2"), 1))
        await work.commit()
    rollups = LearningRollups(uow, FakeClock())
    # Three students on l-1: stopping at 100 s, at 400 s (past half) and finishing (600 s).
    for i, (position, done) in enumerate([(100, False), (400, False), (600, True)]):
        who = {"user_id": f"u-{i}", "session_id": f"s-{i}", "lesson_id": "l-1"}
        events = [
            learning_event("lesson.opened", T0, **who),
            learning_event(
                "lesson.heartbeat",
                T0 + timedelta(seconds=30),
                position_seconds=position,
                duration_seconds=600,
                **who,
            ),
        ]
        if done:
            events.append(learning_event("lesson.finished", T0 + timedelta(minutes=1), **who))
        for event in events:
            await rollups.fold(delivered(event))
    # u-0 comes back the next day.
    await rollups.fold(
        delivered(
            learning_event("lesson.opened", T0 + timedelta(days=1), user_id="u-0", lesson_id="l-1")
        )
    )


@pytest.fixture
async def client(
    committed_sessions: Sessions,
) -> AsyncIterator[tuple[httpx.AsyncClient, TokenMinter]]:
    await write_history(committed_sessions)
    minter = TokenMinter()
    settings = AnalyticsApiSettings(
        environment=Environment.TEST, database_url="postgresql+asyncpg://unused/analytics"
    )
    app = make_app(
        settings, sessions=committed_sessions, verifier=TokenVerifier.from_keys(minter.jwks())
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://analytics.test") as http:
        yield http, minter


class TestOverRealRollups:
    async def test_the_owner_gets_the_funnel_median_and_drop_off(
        self, client: tuple[httpx.AsyncClient, TokenMinter]
    ) -> None:
        http, minter = client
        headers = minter.headers(user_id=OWNER, roles={"teacher"})

        body = (await http.get("/analytics/courses/c-1", headers=headers)).json()

        first, second = body["lessons"]
        assert first["lesson_id"] == "l-1"
        assert (first["views"], first["viewers"]) == (4, 3)
        assert first["funnel"] == {"opened": 3, "past_halfway": 2, "finished": 1}
        assert first["median_position_seconds"] == 400
        assert [b["sessions"] for b in first["drop_off"] if b["sessions"]] == [1, 1]
        assert second == {
            "lesson_id": "l-2",
            "views": 0,
            "viewers": 0,
            "funnel": {"opened": 0, "past_halfway": 0, "finished": 0},
            "sessions": 0,
            "median_position_seconds": None,
            "duration_seconds": 0,
            "drop_off": [{"from_seconds": 0, "to_seconds": 60, "sessions": 0}],
        }

    async def test_active_students_per_day(
        self, client: tuple[httpx.AsyncClient, TokenMinter]
    ) -> None:
        http, minter = client
        headers = minter.headers(user_id=OWNER, roles={"teacher"})

        response = await http.get(
            "/analytics/courses/c-1/daily",
            params={"from": "2026-03-02", "to": "2026-03-03"},
            headers=headers,
        )

        assert [d["active_students"] for d in response.json()["days"]] == [3, 1]

    async def test_another_teacher_asking_for_the_course_is_refused(
        self, client: tuple[httpx.AsyncClient, TokenMinter]
    ) -> None:
        http, minter = client
        headers = minter.headers(user_id=OTHER, roles={"teacher"})

        assert (await http.get("/analytics/courses/c-1", headers=headers)).status_code == 404
        assert (await http.get("/analytics/courses/c-1/daily", headers=headers)).status_code == 404

    async def test_ready_reads_the_database(
        self, client: tuple[httpx.AsyncClient, TokenMinter]
    ) -> None:
        http, _ = client
        assert (await http.get("/ready")).status_code == 200


async def test_the_readers_transactions_cannot_write(committed_sessions: Sessions) -> None:
    from edu.analytics_api.adapters.sql_reader import SqlAlchemyAnalyticsReader

    reader = SqlAlchemyAnalyticsReader(committed_sessions)
    with pytest.raises(DBAPIError, match="read-only transaction"):
        async with reader.reading() as session:
            await session.execute(text("DELETE FROM course_owners"))
