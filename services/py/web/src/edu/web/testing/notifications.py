"""FakeNotificationsClient: each user's notifications and email preferences in memory."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.models import EmailPreferences, Notification, NotificationPage
from edu.web.testing.switch import Switchable, caller_of

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@dataclass
class FakeNotificationsClient(Switchable):
    verifier: TokenVerifier
    name: str = "notifications"
    # A settable unread count per user; when a user has notifications, those count instead.
    unread: dict[UUID, int] = field(default_factory=dict)
    inbox: dict[UUID, list[Notification]] = field(default_factory=dict)
    enrollment_emails: dict[UUID, bool] = field(default_factory=dict)

    def deliver(self, user_id: UUID, title: str, body: str = "") -> Notification:
        """Give a user a new unread notification (newest first, as the service lists them)."""
        made = Notification(id=uuid.uuid4(), title=title, body=body, created_at=NOW, read_at=None)
        self.inbox.setdefault(user_id, []).insert(0, made)
        return made

    async def unread_count(self, token: str) -> int:
        self.answer()
        user = caller_of(self.verifier, token)
        if user in self.inbox:
            return sum(1 for n in self.inbox[user] if n.unread)
        return self.unread.get(user, 0)

    async def notifications(self, token: str, *, limit: int, offset: int) -> NotificationPage:
        self.answer()
        mine = self.inbox.get(caller_of(self.verifier, token), [])
        return NotificationPage(
            items=tuple(mine[offset : offset + limit]), total=len(mine), limit=limit, offset=offset
        )

    async def mark_read(self, token: str, notification_id: UUID) -> Notification:
        self.answer()
        mine = self.inbox.get(caller_of(self.verifier, token), [])
        for at, notification in enumerate(mine):
            if notification.id == notification_id:
                mine[at] = notification.model_copy(update={"read_at": notification.read_at or NOW})
                return mine[at]
        raise ProblemError(404, "Not found", "No such notification of yours.")

    async def preferences(self, token: str) -> EmailPreferences:
        self.answer()
        user = caller_of(self.verifier, token)
        return EmailPreferences(enrollment_emails=self.enrollment_emails.get(user, True))

    async def set_preferences(self, token: str, *, enrollment_emails: bool) -> EmailPreferences:
        self.answer()
        self.enrollment_emails[caller_of(self.verifier, token)] = enrollment_emails
        return EmailPreferences(enrollment_emails=enrollment_emails)
