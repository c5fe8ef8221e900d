"""The unit-of-work port every service's use cases extend with their own repositories.

    class CourseUnitOfWork(OutboxUnitOfWork, Protocol):
        @property
        def courses(self) -> CourseRepository: ...

    UnitOfWorkFactory = Callable[[], CourseUnitOfWork]

Plain ``typing`` (no SQLAlchemy), so service layers may import it. ``edu.db.uow`` implements it
over a database session; ``edu.db.testing.FakeUnitOfWork`` is the base of the in-memory doubles.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from edu.db.outbox.event import Outbox


class UnitOfWork(Protocol):
    """One transaction, used as ``async with uow:``; only ``commit`` makes its changes last and
    leaving the block without it rolls them back."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


class OutboxUnitOfWork(UnitOfWork, Protocol):
    """A unit of work whose events (``uow.outbox``) are stored in the same transaction."""

    @property
    def outbox(self) -> Outbox: ...
