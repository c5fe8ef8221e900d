"""The worker's unit of work: the shared SQLAlchemy one plus its three repositories."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.certificate_generator.adapters.repositories import (
    SqlAlchemyCourses,
    SqlAlchemyDocuments,
    SqlAlchemyPeople,
)
from edu.db.uow import SqlAlchemyUnitOfWork


class SqlAlchemyCertificatesUnitOfWork(SqlAlchemyUnitOfWork):
    people: SqlAlchemyPeople
    courses: SqlAlchemyCourses
    documents: SqlAlchemyDocuments

    def _open_repositories(self, session: AsyncSession) -> None:
        self.people = SqlAlchemyPeople(session)
        self.courses = SqlAlchemyCourses(session)
        self.documents = SqlAlchemyDocuments(session)


async def ping_database(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await session.execute(text("SELECT 1"))
