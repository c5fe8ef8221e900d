"""In-memory stand-ins for notifications' ports (``Fake<Port>``), for tests: notifications' and
the consumer contract's; and ``delivered``, an event as the consumer receives it (web's
integration tests feed one to the real service). Not shipped: the wheel leaves this module out
and no service code imports it.

:class:`FakeDatabase` holds committed state; each :class:`FakeNotificationsUnitOfWork` works on a copy and
replaces the database's state only on commit, so a use case that fails half-way leaves nothing
behind, exactly like a rolled-back transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from edu.common.clock import Clock
from edu.db.outbox import OutboxEvent
from edu.db.testing import FakeUnitOfWork
from edu.events import DecodedEvent, decode, encode
from edu.notifications.domain.emails import OutgoingEmail, Recipient, RenderedEmail
from edu.notifications.domain.notifications import Notification, NotificationKind
from edu.notifications.domain.preferences import Preferences


@dataclass
class FakeDatabase:
    processed: dict[UUID, str] = field(default_factory=dict)
    recipients: dict[UUID, Recipient] = field(default_factory=dict)
    courses: dict[str, str] = field(default_factory=dict)
    preferences: dict[UUID, Preferences] = field(default_factory=dict)
    notifications: dict[UUID, Notification] = field(default_factory=dict)
    emails: list[OutgoingEmail] = field(default_factory=list)
    commits: int = 0


class FakeProcessedEvents:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        if event_id in self.db.processed:
            return False
        self.db.processed[event_id] = event_type
        return True


class FakeRecipients:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def save(self, recipient: Recipient) -> None:
        self.db.recipients[recipient.user_id] = recipient

    async def get(self, user_id: UUID) -> Recipient | None:
        return self.db.recipients.get(user_id)


class FakeCourseTitles:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def save(self, course_id: str, title: str) -> None:
        self.db.courses[course_id] = title

    async def get(self, course_id: str) -> str | None:
        return self.db.courses.get(course_id)


class FakePreferences:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def get(self, user_id: UUID) -> Preferences:
        return self.db.preferences.get(user_id, Preferences(user_id))

    async def save(self, preferences: Preferences) -> None:
        self.db.preferences[preferences.user_id] = preferences


class FakeNotifications:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def add(self, notification: Notification) -> None:
        self.db.notifications[notification.id] = copy.copy(notification)

    async def get(self, notification_id: UUID) -> Notification | None:
        return copy.copy(self.db.notifications.get(notification_id))

    async def save(self, notification: Notification) -> None:
        self.db.notifications[notification.id] = copy.copy(notification)

    async def newest_first(self, user_id: UUID, *, limit: int, offset: int) -> list[Notification]:
        mine = [n for n in self.db.notifications.values() if n.user_id == user_id]
        mine.sort(key=lambda n: (n.created_at, n.id), reverse=True)
        return [copy.copy(n) for n in mine[offset : offset + limit]]

    async def count(self, user_id: UUID, *, unread_only: bool = False) -> int:
        return sum(
            1
            for n in self.db.notifications.values()
            if n.user_id == user_id and not (unread_only and n.is_read)
        )


class FakeEmailQueue:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db

    async def add(self, email: OutgoingEmail) -> None:
        self.db.emails.append(email)

    async def address_parked(self, user_id: UUID, address: str) -> int:
        parked = [e for e in self.db.emails if e.user_id == user_id and e.to_address is None]
        self.db.emails = [
            replace(e, to_address=address) if e in parked else e for e in self.db.emails
        ]
        return len(parked)


class FakeNotificationsUnitOfWork(FakeUnitOfWork):
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self._work = FakeDatabase()

    def _begin(self) -> None:
        self._work = copy.deepcopy(self.db)
        self.processed_events = FakeProcessedEvents(self._work)
        self.recipients = FakeRecipients(self._work)
        self.courses = FakeCourseTitles(self._work)
        self.preferences = FakePreferences(self._work)
        self.notifications = FakeNotifications(self._work)
        self.emails = FakeEmailQueue(self._work)

    def _discard(self) -> None:
        self._work = FakeDatabase()  # uncommitted work is gone

    def _keep(self) -> None:
        commits = self.db.commits
        self.db.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.db.commits = commits + 1


class FakeEmailRenderer:
    """Renders ``<kind>: key=value ...`` so tests can see what reached the template."""

    def __init__(self) -> None:
        self.rendered: list[tuple[NotificationKind, dict[str, str]]] = []

    def render(self, kind: NotificationKind, context: Mapping[str, str]) -> RenderedEmail:
        self.rendered.append((kind, dict(context)))
        summary = " ".join(f"{key}={value}" for key, value in sorted(context.items()))
        return RenderedEmail(subject=f"{kind.value}", text=summary, html=f"<p>{summary}</p>")


def delivered(event_type: str, clock: Clock, **payload: Any) -> DecodedEvent:
    """``event_type`` with ``payload`` as the consumer hands it to ``EventHandling.handle``:
    stored by a producer's outbox (checked against the event contract), encoded, decoded."""
    stored = OutboxEvent.new(
        type=event_type, aggregate_id="a-1", version=1, payload=payload, clock=clock
    )
    return decode(encode(stored))
