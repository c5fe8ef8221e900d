"""In-app notifications, and which of them also go out as an email."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class NotificationKind(StrEnum):
    WELCOME = "welcome"
    ENROLLMENT_CONFIRMED = "enrollment_confirmed"
    CERTIFICATE_ISSUED = "certificate_issued"

    @property
    def email_is_optional(self) -> bool:
        """Optional emails can be switched off; transactional ones (an account was made in
        the user's name, a certificate was issued) always go."""
        return self is NotificationKind.ENROLLMENT_CONFIRMED


@dataclass
class Notification:
    id: UUID
    user_id: UUID
    kind: NotificationKind
    title: str
    body: str
    created_at: datetime
    source_event_id: UUID
    read_at: datetime | None = None

    @classmethod
    def new(
        cls,
        *,
        user_id: UUID,
        kind: NotificationKind,
        title: str,
        body: str,
        now: datetime,
        source_event_id: UUID,
    ) -> Notification:
        return cls(uuid.uuid4(), user_id, kind, title, body, now, source_event_id)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> None:
        """Marking read again keeps the first time it was read."""
        if self.read_at is None:
            self.read_at = now


def welcome(user_id: UUID, now: datetime, event_id: UUID) -> Notification:
    return Notification.new(
        user_id=user_id,
        kind=NotificationKind.WELCOME,
        title="Welcome to eduplatform",
        body="Your account is ready. Find a course and start learning.",
        now=now,
        source_event_id=event_id,
    )


def enrollment_confirmed(user_id: UUID, course: str, now: datetime, event_id: UUID) -> Notification:
    return Notification.new(
        user_id=user_id,
        kind=NotificationKind.ENROLLMENT_CONFIRMED,
        title=f"You are enrolled in {course}",
        body=f"Your place in {course} is confirmed. Your first lesson is waiting.",
        now=now,
        source_event_id=event_id,
    )


def certificate_issued(
    user_id: UUID, course: str, code: str, now: datetime, event_id: UUID
) -> Notification:
    return Notification.new(
        user_id=user_id,
        kind=NotificationKind.CERTIFICATE_ISSUED,
        title=f"Your certificate for {course}",
        body=f"You completed {course}. Verification code: {code}.",
        now=now,
        source_event_id=event_id,
    )
