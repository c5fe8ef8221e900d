"""The aggregator's unit of work: the shared SQLAlchemy one plus the rollups' repositories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from edu.analytics_aggregator.adapters.repositories import (
    SqlAlchemyCourseDays,
    SqlAlchemyCourseOwners,
    SqlAlchemyLessonRollups,
    SqlAlchemyProcessedEvents,
)
from edu.db.uow import SqlAlchemyUnitOfWork


class SqlAlchemyAnalyticsUnitOfWork(SqlAlchemyUnitOfWork):
    processed: SqlAlchemyProcessedEvents
    lessons: SqlAlchemyLessonRollups
    days: SqlAlchemyCourseDays
    owners: SqlAlchemyCourseOwners

    def _open_repositories(self, session: AsyncSession) -> None:
        self.processed = SqlAlchemyProcessedEvents(session)
        self.lessons = SqlAlchemyLessonRollups(session)
        self.days = SqlAlchemyCourseDays(session)
        self.owners = SqlAlchemyCourseOwners(session)
