"""The ports notifications' use cases need; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol
from uuid import UUID

from edu.db.ports import UnitOfWork
from edu.notifications.domain.emails import OutgoingEmail, Recipient, RenderedEmail
from edu.notifications.domain.notifications import Notification, NotificationKind
from edu.notifications.domain.preferences import Preferences


class ProcessedEvents(Protocol):
    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        """Record ``event_id`` as processed; False when it already was (a duplicate). The
        record commits or rolls back with everything else the event caused."""


class Recipients(Protocol):
    async def save(self, recipient: Recipient) -> None: ...

    async def get(self, user_id: UUID) -> Recipient | None: ...


class CourseTitles(Protocol):
    async def save(self, course_id: str, title: str) -> None: ...

    async def get(self, course_id: str) -> str | None: ...


class PreferencesRepository(Protocol):
    async def get(self, user_id: UUID) -> Preferences:
        """The user's preferences; the defaults when they never changed any."""

    async def save(self, preferences: Preferences) -> None: ...


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> None: ...

    async def get(self, notification_id: UUID) -> Notification | None: ...

    async def save(self, notification: Notification) -> None: ...

    async def newest_first(
        self, user_id: UUID, *, limit: int, offset: int
    ) -> list[Notification]: ...

    async def count(self, user_id: UUID, *, unread_only: bool = False) -> int: ...


class EmailQueue(Protocol):
    async def add(self, email: OutgoingEmail) -> None: ...

    async def address_parked(self, user_id: UUID, address: str) -> int:
        """Give parked emails of ``user_id`` their address; how many there were."""


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    @property
    def processed_events(self) -> ProcessedEvents: ...
    @property
    def recipients(self) -> Recipients: ...
    @property
    def courses(self) -> CourseTitles: ...
    @property
    def preferences(self) -> PreferencesRepository: ...
    @property
    def notifications(self) -> NotificationRepository: ...
    @property
    def emails(self) -> EmailQueue: ...


UnitOfWorkFactory = Callable[[], NotificationsUnitOfWork]


class EmailRenderer(Protocol):
    def render(self, kind: NotificationKind, context: Mapping[str, str]) -> RenderedEmail:
        """Subject, plain text and HTML of the ``kind`` email; values are escaped in HTML."""
