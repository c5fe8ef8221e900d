"""Refresh tokens rotate on every use; a family ends when any of its old tokens comes back.

Log-in starts a *family*. Each refresh spends the presented token and issues its successor in
the same family. A spent token presented again means two parties hold the family (a stolen
token, or a leaked log), so the whole family is revoked: neither the thief nor the user can
refresh any more and the user must sign in again (OAuth 2.0 Security BCP, section 4.14).
Only a hash of each token is stored; the token itself exists only in the client's hands.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from edu.common.problems import Unauthenticated


class RefreshRejected(Unauthenticated):
    """One message for every refusal, so a caller learns nothing about why."""

    def __init__(self, reason: str) -> None:
        super().__init__("This refresh token is no longer valid; sign in again.")
        self.reason = reason  # for logs and tests, never for the response


class RefreshTokenReused(RefreshRejected):
    """A spent token came back: the family has been revoked and that must be saved."""


@dataclass
class RefreshToken:
    token_hash: str
    family_id: UUID
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class RefreshTokenFamily:
    id: UUID
    user_id: UUID
    created_at: datetime
    revoked_at: datetime | None = None

    @classmethod
    def start(cls, *, user_id: UUID, now: datetime) -> RefreshTokenFamily:
        return cls(id=uuid.uuid4(), user_id=user_id, created_at=now)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def issue(self, *, token_hash: str, now: datetime, ttl: timedelta) -> RefreshToken:
        if self.is_revoked:
            raise RefreshRejected("family revoked")
        return RefreshToken(
            token_hash=token_hash, family_id=self.id, issued_at=now, expires_at=now + ttl
        )

    def rotate(
        self, presented: RefreshToken, *, new_token_hash: str, now: datetime, ttl: timedelta
    ) -> RefreshToken:
        """Spend ``presented`` and return its successor, or refuse.

        Raises RefreshTokenReused after revoking the family when ``presented`` was already
        spent: the caller must save the family before reporting the refusal.
        """
        if presented.family_id != self.id:
            raise ValueError("the token does not belong to this family")
        if self.is_revoked:
            raise RefreshRejected("family revoked")
        if presented.used_at is not None:
            self.revoke(now)
            raise RefreshTokenReused("spent token presented again: family revoked")
        if presented.expires_at <= now:
            raise RefreshRejected("token expired")
        presented.used_at = now
        return self.issue(token_hash=new_token_hash, now=now, ttl=ttl)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
