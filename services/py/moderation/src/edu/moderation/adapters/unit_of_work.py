"""moderation's unit of work: the shared SQLAlchemy one plus moderation's repositories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.moderation.adapters.repositories import SqlAlchemyCourseOwners, SqlAlchemyItemRepository


class SqlAlchemyModerationUnitOfWork(SqlAlchemyUnitOfWork):
    items: SqlAlchemyItemRepository
    courses: SqlAlchemyCourseOwners

    def _open_repositories(self, session: AsyncSession) -> None:
        self.items = SqlAlchemyItemRepository(session)
        self.courses = SqlAlchemyCourseOwners(session)

    async def ping(self) -> None:
        """Raise unless the database answers (the /ready check)."""
        await self.session.execute(select(1))
