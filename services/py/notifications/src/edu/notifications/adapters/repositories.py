"""PostgreSQL repositories on one AsyncSession (the unit of work's); they never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.notifications.adapters.orm import (
    courses,
    email_queue,
    notifications,
    preferences,
    processed_events,
    users,
)
from edu.notifications.domain.emails import OutgoingEmail, Recipient
from edu.notifications.domain.notifications import Notification, NotificationKind
from edu.notifications.domain.preferences import Preferences


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class SqlAlchemyProcessedEvents(_Repository):
    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        # ON CONFLICT DO NOTHING waits for a concurrent claim of the same id to finish: if that
        # transaction commits, this one claims nothing; if it rolls back, this one wins.
        statement = (
            upsert(processed_events)
            .values(event_id=event_id, event_type=event_type, processed_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(processed_events.c.event_id)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None


class SqlAlchemyRecipients(_Repository):
    async def save(self, recipient: Recipient) -> None:
        statement = upsert(users).values(id=recipient.user_id, email=recipient.email)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["id"], set_={"email": recipient.email})
        )

    async def get(self, user_id: UUID) -> Recipient | None:
        email = await self._session.scalar(select(users.c.email).where(users.c.id == user_id))
        return None if email is None else Recipient(user_id, email)


class SqlAlchemyCourseTitles(_Repository):
    async def save(self, course_id: str, title: str) -> None:
        statement = upsert(courses).values(id=course_id, title=title)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["id"], set_={"title": title})
        )

    async def get(self, course_id: str) -> str | None:
        title: str | None = await self._session.scalar(
            select(courses.c.title).where(courses.c.id == course_id)
        )
        return title


class SqlAlchemyPreferences(_Repository):
    async def get(self, user_id: UUID) -> Preferences:
        query = select(preferences.c.enrollment_emails).where(preferences.c.user_id == user_id)
        enrollment_emails = await self._session.scalar(query)
        if enrollment_emails is None:
            return Preferences(user_id)
        return Preferences(user_id, enrollment_emails=enrollment_emails)

    async def save(self, chosen: Preferences) -> None:
        values = {"enrollment_emails": chosen.enrollment_emails}
        statement = upsert(preferences).values(user_id=chosen.user_id, **values)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["user_id"], set_=values)
        )


class SqlAlchemyNotifications(_Repository):
    async def add(self, notification: Notification) -> None:
        await self._session.execute(insert(notifications).values(_row(notification)))

    async def get(self, notification_id: UUID) -> Notification | None:
        query = select(notifications).where(notifications.c.id == notification_id)
        row = (await self._session.execute(query)).mappings().one_or_none()
        return None if row is None else _notification(row)

    async def save(self, notification: Notification) -> None:
        await self._session.execute(
            update(notifications)
            .where(notifications.c.id == notification.id)
            .values(read_at=notification.read_at)
        )

    async def newest_first(self, user_id: UUID, *, limit: int, offset: int) -> list[Notification]:
        query = (
            select(notifications)
            .where(notifications.c.user_id == user_id)
            .order_by(notifications.c.created_at.desc(), notifications.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_notification(row) for row in (await self._session.execute(query)).mappings()]

    async def count(self, user_id: UUID, *, unread_only: bool = False) -> int:
        query = select(func.count()).where(notifications.c.user_id == user_id)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        return int(await self._session.scalar(query) or 0)


class SqlAlchemyEmailQueue(_Repository):
    async def add(self, email: OutgoingEmail) -> None:
        await self._session.execute(
            insert(email_queue).values(
                id=email.id,
                kind=email.kind.value,
                user_id=email.user_id,
                to_address=email.to_address,
                subject=email.content.subject,
                text_body=email.content.text,
                html_body=email.content.html,
                source_event_id=email.source_event_id,
                created_at=email.created_at,
                next_attempt_at=email.created_at,
            )
        )

    async def address_parked(self, user_id: UUID, address: str) -> int:
        result = await self._session.execute(
            update(email_queue)
            .where(email_queue.c.user_id == user_id, email_queue.c.to_address.is_(None))
            .values(to_address=address)
            .returning(email_queue.c.id)
        )
        return len(result.all())


def _row(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "user_id": notification.user_id,
        "kind": notification.kind.value,
        "title": notification.title,
        "body": notification.body,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
        "source_event_id": notification.source_event_id,
    }


def _notification(row: Any) -> Notification:
    return Notification(
        id=row["id"],
        user_id=row["user_id"],
        kind=NotificationKind(row["kind"]),
        title=row["title"],
        body=row["body"],
        created_at=row["created_at"],
        source_event_id=row["source_event_id"],
        read_at=row["read_at"],
    )
