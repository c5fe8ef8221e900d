"""What services' tests share from edu.db: in-memory doubles and the migration checks.

Tests only: nothing a service ships imports a ``testing`` module (an import-linter contract),
and the wheel leaves it out (``wheel-exclude`` in pyproject.toml).

* :class:`FakeOutbox`, :class:`FakeEventPublisher` — ``uow.outbox`` and the relay's publisher.
* :class:`FakeUnitOfWork` — the base of every ``Fake<Service>UnitOfWork``.
* :class:`MigrationChecks` — the base of every service's ``TestMigrations`` (integration).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Protocol, Self

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncConnection

from edu.db.databases import create_database, drop_database
from edu.db.migrations import revisions, schema_differences, stairway
from edu.db.outbox.event import OutboxEvent


class FakeOutbox:
    """Stands in for ``uow.outbox``; ``events`` holds what was added (committed or not)."""

    def __init__(self) -> None:
        self.events: list[OutboxEvent] = []

    def add(self, event: OutboxEvent) -> None:
        self.events.append(event)

    def of_type(self, event_type: str) -> list[OutboxEvent]:
        return [event for event in self.events if event.type == event_type]


class FakeEventPublisher:
    """Keeps what it was asked to publish; ``fail_next`` makes the next publishes raise."""

    def __init__(self) -> None:
        self.published: list[OutboxEvent] = []
        self.fail_next = 0
        self.closed = False

    async def publish(self, event: OutboxEvent) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("fake publisher told to fail")
        self.published.append(event)

    async def close(self) -> None:
        self.closed = True


class FakeUnitOfWork:
    """``async with`` opens it, ``commit`` keeps its work, leaving the block forgets what was
    not committed: a transaction in memory (``edu.db.ports.UnitOfWork``).

    A subclass says what that means for its state: :meth:`_begin` (e.g. take a working copy),
    :meth:`_keep` (make the work the stored state) and :meth:`_discard` (forget the work).
    """

    committed = False

    async def __aenter__(self) -> Self:
        self.committed = False
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._discard()

    async def commit(self) -> None:
        self._keep()
        self.committed = True

    def _begin(self) -> None:
        """Called on entering ``async with``; nothing by default."""

    def _keep(self) -> None:
        raise NotImplementedError

    def _discard(self) -> None:
        """Called on leaving ``async with``, committed or not; nothing by default."""


class _PostgresServer(Protocol):
    def url(self, database: str) -> str: ...


class MigrationChecks:
    """Every service's migrations walk up, down and up again, and end at its ORM tables::

        class TestMigrations(MigrationChecks):
            metadata = orm.metadata

    The tests use the ``postgres_server``, ``migrations_path`` and ``db_connection`` fixtures
    of the edu.testing plugin (integration layer).
    """

    metadata: ClassVar[MetaData]

    async def test_every_revision_goes_up_down_and_up_again(
        self, postgres_server: _PostgresServer, migrations_path: Path
    ) -> None:
        url = postgres_server.url(f"{migrations_path.name}_stairway_{uuid.uuid4().hex[:12]}")
        await create_database(url)
        try:
            walked, expected = stairway(migrations_path, url), revisions(migrations_path)
        finally:
            await drop_database(url)
        if not expected or walked != expected:
            raise AssertionError(f"walked {walked}, expected every revision: {expected}")

    async def test_the_tables_at_head_are_exactly_the_orm_tables(
        self, db_connection: AsyncConnection
    ) -> None:
        differences = await db_connection.run_sync(schema_differences, self.metadata)
        if differences:
            raise AssertionError(f"migrations and ORM tables differ: {differences}")
