"""The rollups as analytics-api reads them: plain SQL over the tables the aggregator owns
(migrations/analytics), every query in a READ ONLY transaction. Integration tests run these
queries against the migrated schema, so a column renamed there fails here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.analytics_api.domain.figures import LessonCounts, SessionRow
from edu.analytics_api.service_layer.ports import OwnedCourse

_COURSE = text(
    "SELECT course_id, teacher_id, title, lesson_ids FROM course_owners WHERE course_id = :c"
)
_COUNTS = text(
    """
    SELECT lesson_id,
           COALESCE(MAX(views), 0) AS views,
           COALESCE(SUM(viewers), 0) AS viewers,
           COALESCE(SUM(halfway), 0) AS halfway,
           COALESCE(SUM(finished), 0) AS finished
    FROM (
        SELECT lesson_id, views, 0 AS viewers, 0 AS halfway, 0 AS finished
        FROM lesson_views WHERE course_id = :c
        UNION ALL
        SELECT lesson_id, NULL, COUNT(*) FILTER (WHERE opened),
               COUNT(*) FILTER (WHERE halfway), COUNT(*) FILTER (WHERE finished)
        FROM lesson_viewers WHERE course_id = :c GROUP BY lesson_id
    ) AS per_lesson
    GROUP BY lesson_id
    """
)
_SESSIONS = text(
    "SELECT lesson_id, last_position, furthest_position, duration, finished "
    "FROM session_progress WHERE course_id = :c"
)
_ACTIVE = text(
    "SELECT day, COUNT(*) AS students FROM course_active_users "
    "WHERE course_id = :c AND day BETWEEN :first AND :last GROUP BY day"
)


class SqlAlchemyAnalyticsReader:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            await session.execute(text("SET TRANSACTION READ ONLY"))
            yield session

    async def course(self, course_id: str) -> OwnedCourse | None:
        async with self.reading() as session:
            row = (await session.execute(_COURSE, {"c": course_id})).first()
        if row is None:
            return None
        return OwnedCourse(row.course_id, row.teacher_id, row.title, tuple(row.lesson_ids))

    async def lesson_counts(self, course_id: str) -> list[LessonCounts]:
        async with self.reading() as session:
            rows = (await session.execute(_COUNTS, {"c": course_id})).all()
        return [
            LessonCounts(r.lesson_id, int(r.views), int(r.viewers), int(r.halfway), int(r.finished))
            for r in rows
        ]

    async def sessions(self, course_id: str) -> list[SessionRow]:
        async with self.reading() as session:
            rows = (await session.execute(_SESSIONS, {"c": course_id})).all()
        return [
            SessionRow(r.lesson_id, r.last_position, r.furthest_position, r.duration, r.finished)
            for r in rows
        ]

    async def active_students(self, course_id: str, first: date, last: date) -> dict[date, int]:
        async with self.reading() as session:
            rows = (
                await session.execute(_ACTIVE, {"c": course_id, "first": first, "last": last})
            ).all()
        return {r.day: int(r.students) for r in rows}

    async def ping(self) -> None:
        async with self.reading() as session:
            await session.execute(text("SELECT 1"))
