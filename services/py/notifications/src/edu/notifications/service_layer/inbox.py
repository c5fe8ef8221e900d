"""The signed-in user's notifications: a page of them, marking one read, the unread count."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from edu.common.clock import Clock
from edu.common.problems import NotFound
from edu.notifications.domain.notifications import Notification
from edu.notifications.service_layer.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int
    limit: int
    offset: int


class Inbox:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def page(self, user_id: UUID, *, limit: int, offset: int) -> NotificationPage:
        """The user's notifications, newest first."""
        async with self._uow() as uow:
            items = await uow.notifications.newest_first(user_id, limit=limit, offset=offset)
            total = await uow.notifications.count(user_id)
        return NotificationPage(items, total, limit, offset)

    async def mark_read(self, user_id: UUID, notification_id: UUID) -> Notification:
        """Mark one of the user's notifications read (again is fine)."""
        async with self._uow() as uow:
            notification = await uow.notifications.get(notification_id)
            # Someone else's notification is as absent as a missing one: ids are not secrets,
            # but their existence is nobody else's business.
            if notification is None or notification.user_id != user_id:
                raise NotFound("There is no such notification of yours.")
            notification.mark_read(self._clock.now())
            await uow.notifications.save(notification)
            await uow.commit()
        return notification

    async def unread_count(self, user_id: UUID) -> int:
        """How many of the user's notifications are unread (the web front end's badge)."""
        async with self._uow() as uow:
            return await uow.notifications.count(user_id, unread_only=True)
