"""FakeNotificationsClient: a settable unread count per user."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.testing.switch import Switchable, caller_of


@dataclass
class FakeNotificationsClient(Switchable):
    verifier: TokenVerifier
    name: str = "notifications"
    unread: dict[UUID, int] = field(default_factory=dict)

    async def unread_count(self, token: str) -> int:
        self.answer()
        return self.unread.get(caller_of(self.verifier, token), 0)
