"""The emails notifications queues for the email-sender worker, and who receives them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from edu.notifications.domain.notifications import Notification, NotificationKind


@dataclass(frozen=True)
class Recipient:
    """A user as notifications knows them, from ``user.registered`` (a read model)."""

    user_id: UUID
    email: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class OutgoingEmail:
    """An email waiting to be sent. Without ``to_address`` it is parked: the recipient's
    registration has not reached us yet, and fills the address in when it does."""

    id: UUID
    kind: NotificationKind
    user_id: UUID
    to_address: str | None
    content: RenderedEmail
    source_event_id: UUID
    created_at: datetime

    @classmethod
    def for_notification(
        cls, notification: Notification, recipient: Recipient | None, content: RenderedEmail
    ) -> OutgoingEmail:
        return cls(
            id=uuid.uuid4(),
            kind=notification.kind,
            user_id=notification.user_id,
            to_address=recipient.email if recipient else None,
            content=content,
            source_event_id=notification.source_event_id,
            created_at=notification.created_at,
        )
