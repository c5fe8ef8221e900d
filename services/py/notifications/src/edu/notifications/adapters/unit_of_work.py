"""notifications' unit of work: the shared SQLAlchemy one plus notifications' repositories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.notifications.adapters.repositories import (
    SqlAlchemyCourseTitles,
    SqlAlchemyEmailQueue,
    SqlAlchemyNotifications,
    SqlAlchemyPreferences,
    SqlAlchemyProcessedEvents,
    SqlAlchemyRecipients,
)


class SqlAlchemyNotificationsUnitOfWork(SqlAlchemyUnitOfWork):
    processed_events: SqlAlchemyProcessedEvents
    recipients: SqlAlchemyRecipients
    courses: SqlAlchemyCourseTitles
    preferences: SqlAlchemyPreferences
    notifications: SqlAlchemyNotifications
    emails: SqlAlchemyEmailQueue

    def _open_repositories(self, session: AsyncSession) -> None:
        self.processed_events = SqlAlchemyProcessedEvents(session)
        self.recipients = SqlAlchemyRecipients(session)
        self.courses = SqlAlchemyCourseTitles(session)
        self.preferences = SqlAlchemyPreferences(session)
        self.notifications = SqlAlchemyNotifications(session)
        self.emails = SqlAlchemyEmailQueue(session)
