"""The email queue in notifications' PostgreSQL database, one claimed row per transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from edu.db.uow import SqlAlchemyUnitOfWork
from edu.email_queue import EMAIL_QUEUE, QueuedEmail
from edu.email_queue.table import DUE_CONDITION


class SqlAlchemyEmailQueue:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_due(self, now: datetime) -> QueuedEmail | None:
        query = (
            select(EMAIL_QUEUE)
            .where(text(DUE_CONDITION), EMAIL_QUEUE.c.next_attempt_at <= now)
            .order_by(EMAIL_QUEUE.c.next_attempt_at, EMAIL_QUEUE.c.created_at)
            .limit(1)
            # Other workers skip this row while we hold it, rather than wait for it or send it.
            .with_for_update(skip_locked=True)
        )
        row = (await self._session.execute(query)).mappings().one_or_none()
        return None if row is None else QueuedEmail.from_row(row)

    async def mark_sent(self, email_id: UUID, now: datetime) -> None:
        await self._update(email_id, sent_at=now, last_error=None)

    async def reschedule(self, email_id: UUID, *, at: datetime, error: str) -> None:
        await self._update(email_id, next_attempt_at=at, last_error=error[:2000])

    async def abandon(self, email_id: UUID, *, now: datetime, error: str) -> None:
        await self._update(email_id, abandoned_at=now, last_error=error[:2000])

    async def _update(self, email_id: UUID, **values: object) -> None:
        await self._session.execute(
            update(EMAIL_QUEUE)
            .where(EMAIL_QUEUE.c.id == email_id)
            .values(attempts=EMAIL_QUEUE.c.attempts + 1, **values)
        )


class SqlAlchemyQueueUnitOfWork(SqlAlchemyUnitOfWork):
    queue: SqlAlchemyEmailQueue

    def _open_repositories(self, session: AsyncSession) -> None:
        self.queue = SqlAlchemyEmailQueue(session)
