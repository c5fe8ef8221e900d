"""The ports identity's use cases need; adapters implement them, fakes stand in for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from edu.db.ports import OutboxUnitOfWork
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.refresh_tokens import RefreshToken, RefreshTokenFamily
from edu.identity.domain.user import User


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Store a new user; EmailAlreadyRegistered when the email is taken."""

    async def get(self, user_id: UUID) -> User | None: ...

    async def get_by_email(self, email: EmailAddress) -> User | None: ...

    async def save(self, user: User) -> None:
        """Store changed roles; the row must still be at the version that was read."""

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> None: ...


class RefreshTokenRepository(Protocol):
    async def add_family(self, family: RefreshTokenFamily) -> None: ...

    async def add_token(self, token: RefreshToken) -> None: ...

    async def token_for_update(self, token_hash: str) -> RefreshToken | None:
        """The token with this hash, locked until commit (concurrent refreshes queue up)."""

    async def family_for_update(self, family_id: UUID) -> RefreshTokenFamily | None: ...

    async def save_token(self, token: RefreshToken) -> None: ...

    async def save_family(self, family: RefreshTokenFamily) -> None: ...


class IdentityUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def users(self) -> UserRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...


UnitOfWorkFactory = Callable[[], IdentityUnitOfWork]


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when ``password`` matches; False (never an exception) otherwise."""

    async def verify_nothing(self, password: str) -> None:
        """Spend the time of a verification, so unknown accounts answer as slowly as known."""

    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessTokenIssuer(Protocol):
    @property
    def ttl(self) -> timedelta: ...

    def issue(self, *, user_id: UUID, email: str, roles: Iterable[str]) -> str: ...
