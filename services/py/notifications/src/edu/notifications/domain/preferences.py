"""A user's email preferences: which optional emails they want."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from edu.notifications.domain.notifications import NotificationKind


@dataclass(frozen=True)
class Preferences:
    user_id: UUID
    enrollment_emails: bool = True  # opted in until the user says otherwise

    def wants_email(self, kind: NotificationKind) -> bool:
        if not kind.email_is_optional:
            return True
        return self.enrollment_emails
