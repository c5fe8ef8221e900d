"""The enrolments read model in PostgreSQL: written from enrollment's events, counted per
course for the dashboard. Every write is an upsert keyed by the enrollment id, so redelivered
and reordered events (a completion before its enrolment) give the same rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.teacher_tools.adapters.orm import enrolments
from edu.teacher_tools.domain.dashboard import EnrolmentFigures
from edu.teacher_tools.service_layer.ports import UpstreamUnavailable


class SqlAlchemyEnrolmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enrolled(self, enrollment_id: str, course_id: str) -> None:
        await self._session.execute(
            pg_insert(enrolments)
            .values(enrollment_id=enrollment_id, course_id=course_id)
            .on_conflict_do_nothing(index_elements=["enrollment_id"])
        )

    async def completed(self, enrollment_id: str, course_id: str) -> None:
        insert = pg_insert(enrolments).values(
            enrollment_id=enrollment_id, course_id=course_id, completed=True
        )
        await self._session.execute(
            insert.on_conflict_do_update(index_elements=["enrollment_id"], set_={"completed": True})
        )

    async def figures(self, course_ids: Iterable[str]) -> dict[str, EnrolmentFigures]:
        wanted = list(course_ids)
        rows = await self._session.execute(
            select(
                enrolments.c.course_id,
                func.count(),
                func.count().filter(enrolments.c.completed),
            )
            .where(enrolments.c.course_id.in_(wanted))
            .group_by(enrolments.c.course_id)
        )
        found = {course: EnrolmentFigures(int(n), int(done)) for course, n, done in rows.all()}
        return {course: found.get(course, EnrolmentFigures(0, 0)) for course in wanted}


class SqlAlchemyTeacherToolsUnitOfWork(SqlAlchemyUnitOfWork):
    enrolments: SqlAlchemyEnrolmentRepository

    def _open_repositories(self, session: AsyncSession) -> None:
        self.enrolments = SqlAlchemyEnrolmentRepository(session)


class SqlEnrolmentFigures:
    """The figures port over the read model: a database that does not answer is a section
    marked unavailable, like an upstream that does not."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def figures(self, course_ids: Iterable[str]) -> Mapping[str, EnrolmentFigures]:
        try:
            async with SqlAlchemyTeacherToolsUnitOfWork(self._sessions) as uow:
                return await uow.enrolments.figures(course_ids)
        except (OSError, SQLAlchemyError) as exc:
            raise UpstreamUnavailable("teacher-tools' database", type(exc).__name__) from exc

    async def ping(self) -> None:
        async with self._sessions() as session:
            await session.execute(select(1))
