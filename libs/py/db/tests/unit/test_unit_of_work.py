"""The unit of work commits only when told to, and writes its events in the same transaction."""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.db.uow import SqlAlchemyUnitOfWork, UnitOfWorkNotStarted


class FakeSession:
    """Records the calls a unit of work makes on its session, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.inserted: list[dict[str, Any]] = []

    async def execute(self, statement: object, rows: list[dict[str, Any]]) -> None:
        self.calls.append("execute")
        self.inserted.extend(rows)

    async def commit(self) -> None:
        self.calls.append("commit")

    async def rollback(self) -> None:
        self.calls.append("rollback")

    async def close(self) -> None:
        self.calls.append("close")


@pytest.fixture
def session() -> FakeSession:
    return FakeSession()


@pytest.fixture
def uow(session: FakeSession) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(cast(async_sessionmaker[AsyncSession], lambda: session))


class TestCommitting:
    async def test_writes_pending_events_before_committing(
        self, uow: SqlAlchemyUnitOfWork, session: FakeSession, clock: FakeClock
    ) -> None:
        event = OutboxEvent.new(
            type="user.registered", aggregate_id="u", version=1, payload={}, clock=clock
        )
        async with uow:
            uow.outbox.add(event)
            await uow.commit()

        assert session.calls[:2] == ["execute", "commit"]
        assert [row["id"] for row in session.inserted] == [event.id]
        assert uow.committed

    async def test_a_commit_without_events_writes_nothing_extra(
        self, uow: SqlAlchemyUnitOfWork, session: FakeSession
    ) -> None:
        async with uow:
            await uow.commit()
        assert "execute" not in session.calls


class TestLeavingWithoutCommit:
    async def test_rolls_back_and_drops_the_events(
        self, uow: SqlAlchemyUnitOfWork, session: FakeSession, clock: FakeClock
    ) -> None:
        async with uow:
            uow.outbox.add(
                OutboxEvent.new(
                    type="user.registered", aggregate_id="u", version=1, payload={}, clock=clock
                )
            )
        assert session.calls == ["rollback", "close"]
        assert session.inserted == []
        assert not uow.committed

    async def test_rolls_back_when_the_use_case_raises(
        self, uow: SqlAlchemyUnitOfWork, session: FakeSession
    ) -> None:
        with pytest.raises(LookupError):
            async with uow:
                raise LookupError("the use case failed")
        assert session.calls == ["rollback", "close"]


class TestMisuse:
    def test_the_session_is_only_there_inside_async_with(self, uow: SqlAlchemyUnitOfWork) -> None:
        with pytest.raises(UnitOfWorkNotStarted):
            _ = uow.session

    async def test_cannot_be_entered_twice_at_once(self, uow: SqlAlchemyUnitOfWork) -> None:
        async with uow:
            with pytest.raises(RuntimeError, match="already open"):
                await uow.__aenter__()
