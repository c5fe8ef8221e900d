"""The unit of work stores events atomically; the outbox migration matches its table; the
migration helpers walk every revision up and down."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, MetaData, Text, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.migrations import schema_differences
from edu.db.outbox import OUTBOX, OutboxEvent, outbox_table
from edu.db.schema import service_metadata
from edu.db.testing import MigrationChecks
from edu.db.uow import SqlAlchemyUnitOfWork

Sessions = async_sessionmaker[AsyncSession]


def an_event(version: int = 1) -> OutboxEvent:
    return OutboxEvent.new(
        type="user.registered", aggregate_id="u1", version=version, payload={}, clock=FakeClock()
    )


async def stored_ids(connection: AsyncConnection) -> list[uuid.UUID]:
    return list(
        (await connection.execute(select(OUTBOX.c.id).order_by(OUTBOX.c.position))).scalars()
    )


class TestUnitOfWorkWithPostgres:
    async def test_committed_events_are_stored_with_their_envelope(
        self, sessions: Sessions, db_connection: AsyncConnection
    ) -> None:
        event = an_event()
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            uow.outbox.add(event)
            await uow.commit()

        row = (
            (await db_connection.execute(select(OUTBOX).where(OUTBOX.c.id == event.id)))
            .mappings()
            .one()
        )
        assert (row["type"], row["aggregate"], row["aggregate_id"]) == (
            "user.registered",
            "user",
            "u1",
        )
        assert row["occurred_at"] == event.occurred_at
        assert row["published_at"] is None

    async def test_events_of_a_unit_left_without_commit_are_not_stored(
        self, sessions: Sessions, db_connection: AsyncConnection
    ) -> None:
        async def failing_use_case() -> None:
            async with SqlAlchemyUnitOfWork(sessions) as uow:
                uow.outbox.add(an_event())
                raise RuntimeError("the use case failed after adding its event")

        with pytest.raises(RuntimeError):
            await failing_use_case()
        assert await stored_ids(db_connection) == []

    async def test_a_commit_that_fails_stores_none_of_its_events(
        self, sessions: Sessions, db_connection: AsyncConnection
    ) -> None:
        first = an_event()
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            uow.outbox.add(first)
            await uow.commit()

        async def use_case_whose_commit_fails() -> None:
            async with SqlAlchemyUnitOfWork(sessions) as uow:
                uow.outbox.add(an_event(version=2))
                uow.outbox.add(first)  # the same event id again: the commit must fail whole
                await uow.commit()

        with pytest.raises(IntegrityError):
            await use_case_whose_commit_fails()

        assert await stored_ids(db_connection) == [first.id]

    async def test_reads_in_a_unit_see_its_own_writes_before_commit(
        self, sessions: Sessions
    ) -> None:
        async with SqlAlchemyUnitOfWork(sessions) as uow:
            uow.outbox.add(an_event())
            await uow.outbox.flush()
            count = (
                await uow.session.execute(select(func.count()).select_from(OUTBOX))
            ).scalar_one()
        assert count == 1


def outbox_only() -> MetaData:
    metadata = service_metadata()
    outbox_table(metadata)
    return metadata


class TestOutboxMigration(MigrationChecks):
    """The checks every service's migrations pass, on edu.db's own: just the outbox table."""

    metadata = outbox_only()

    async def test_a_missing_column_would_be_reported(self, db_connection: AsyncConnection) -> None:
        metadata = service_metadata()
        outbox_table(metadata).append_column(Column("extra", Text))
        differences = await db_connection.run_sync(schema_differences, metadata)
        assert [d[0] for d in differences] == ["add_column"]
