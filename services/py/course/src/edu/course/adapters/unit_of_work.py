"""The course unit of work: edu.db's transaction with the course repository attached."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from edu.course.adapters.course_repository import SqlAlchemyCourseRepository
from edu.db.uow import SqlAlchemyUnitOfWork


class SqlAlchemyCourseUnitOfWork(SqlAlchemyUnitOfWork):
    courses: SqlAlchemyCourseRepository

    def _open_repositories(self, session: AsyncSession) -> None:
        self.courses = SqlAlchemyCourseRepository(session)
