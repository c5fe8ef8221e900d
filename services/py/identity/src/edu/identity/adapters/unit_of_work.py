"""identity's unit of work: the shared SQLAlchemy one plus identity's repositories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.identity.adapters.repositories import (
    SqlAlchemyRefreshTokenRepository,
    SqlAlchemyUserRepository,
)


class SqlAlchemyIdentityUnitOfWork(SqlAlchemyUnitOfWork):
    users: SqlAlchemyUserRepository
    refresh_tokens: SqlAlchemyRefreshTokenRepository

    def _open_repositories(self, session: AsyncSession) -> None:
        self.users = SqlAlchemyUserRepository(session)
        self.refresh_tokens = SqlAlchemyRefreshTokenRepository(session)
