"""The unit of work: one session, one transaction, and the only place that commits.

    async with uow:
        user = await uow.users.get(user_id)      # a subclass adds repositories
        user.rename("Ada")
        uow.outbox.add(OutboxEvent.new(...))     # stored in the same transaction
        await uow.commit()                       # leaving without commit rolls back

Services subclass it to attach their repositories in :meth:`_open_repositories`; it implements
the port their use cases see (``edu.db.ports.OutboxUnitOfWork``).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.db.outbox.table import SqlAlchemyOutbox
from edu.db.outbox.wakeup import WAKEUPS


class UnitOfWorkNotStarted(RuntimeError):
    """The unit of work was used outside ``async with``."""


class SqlAlchemyUnitOfWork:
    """A unit of work over one ``AsyncSession`` from ``session_factory``."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self._outbox: SqlAlchemyOutbox | None = None
        self.committed = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise UnitOfWorkNotStarted("use the unit of work inside `async with uow:`")
        return self._session

    @property
    def outbox(self) -> SqlAlchemyOutbox:
        if self._outbox is None:
            raise UnitOfWorkNotStarted("use the unit of work inside `async with uow:`")
        return self._outbox

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; make a new one per use case")
        self._session = self._session_factory()
        self._outbox = SqlAlchemyOutbox(self._session)
        self.committed = False
        self._open_repositories(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session, self._outbox = self.session, None, None
        try:
            await session.rollback()  # a no-op after commit; discards everything otherwise
        finally:
            await session.close()

    def _open_repositories(self, session: AsyncSession) -> None:
        """Attach repositories bound to ``session``; subclasses override this."""

    async def commit(self) -> None:
        """Write pending outbox events, then commit the change and its events together; the
        process's relays are woken when there were events (edu.db.outbox.wakeup)."""
        events = len(self.outbox.pending)
        await self.outbox.flush()
        await self.session.commit()
        self.committed = True
        if events:
            WAKEUPS.written()

    async def rollback(self) -> None:
        self.outbox.pending.clear()
        await self.session.rollback()
