"""Request and response bodies of notifications' HTTP API."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from edu.notifications.domain.notifications import Notification, NotificationKind
from edu.notifications.domain.preferences import Preferences
from edu.notifications.service_layer.inbox import NotificationPage


class NotificationOut(BaseModel):
    id: UUID
    kind: NotificationKind
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None = Field(description="When it was first marked read; null: unread.")

    @classmethod
    def of(cls, notification: Notification) -> NotificationOut:
        return cls(
            id=notification.id,
            kind=notification.kind,
            title=notification.title,
            body=notification.body,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationPageOut(BaseModel):
    items: list[NotificationOut] = Field(description="Newest first.")
    total: int = Field(description="All of the user's notifications, on every page.")
    limit: int
    offset: int

    @classmethod
    def of(cls, page: NotificationPage) -> NotificationPageOut:
        return cls(
            items=[NotificationOut.of(n) for n in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )


class UnreadCountOut(BaseModel):
    unread: int


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: 0, 1 and "yes" are not booleans (FastAPI's lax default would take them).
    enrollment_emails: StrictBool = Field(
        description="Send an email when you enrol in a course (the notification stays either way)."
    )


class PreferencesOut(BaseModel):
    enrollment_emails: bool
    always_sent: list[NotificationKind] = Field(
        description="Emails that cannot be switched off: they confirm your account or a certificate."
    )

    @classmethod
    def of(cls, preferences: Preferences) -> PreferencesOut:
        always = [kind for kind in NotificationKind if not kind.email_is_optional]
        return cls(enrollment_emails=preferences.enrollment_emails, always_sent=always)
