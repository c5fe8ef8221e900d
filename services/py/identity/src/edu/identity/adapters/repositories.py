"""PostgreSQL repositories: explicit mapping between rows and domain objects (no lazy loads)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from edu.common.problems import Conflict
from edu.identity.adapters.orm import refresh_token_families, refresh_tokens, users
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.refresh_tokens import RefreshToken, RefreshTokenFamily
from edu.identity.domain.user import EmailAlreadyRegistered, Role, User

EMAIL_CONSTRAINT = "uq_users_email"


class ConcurrentUpdate(Conflict):
    def __init__(self) -> None:
        super().__init__("The account was changed at the same time; try again.")


class SqlAlchemyUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._read_versions: dict[UUID, int] = {}

    async def add(self, user: User) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(users).values(**_user_values(user)))
        except IntegrityError as exc:
            if EMAIL_CONSTRAINT in str(exc.orig):
                raise EmailAlreadyRegistered() from None
            raise
        self._read_versions[user.id] = user.version

    async def get(self, user_id: UUID) -> User | None:
        return await self._one(select(users).where(users.c.id == user_id))

    async def get_by_email(self, email: EmailAddress) -> User | None:
        return await self._one(select(users).where(users.c.email == email.value))

    async def save(self, user: User) -> None:
        expected = self._read_versions.get(user.id, user.version - 1)
        result = await self._session.execute(
            update(users)
            .where(users.c.id == user.id, users.c.version == expected)
            .values(roles=sorted(user.roles), version=user.version)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrentUpdate()
        self._read_versions[user.id] = user.version

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> None:
        await self._session.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )

    async def _one(self, statement: Any) -> User | None:
        row = (await self._session.execute(statement)).mappings().one_or_none()
        if row is None:
            return None
        user = _user(row)
        self._read_versions[user.id] = user.version
        return user


def _user_values(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email.value,
        "password_hash": user.password_hash,
        "roles": sorted(user.roles),
        "created_at": user.created_at,
        "version": user.version,
    }


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        email=EmailAddress(row["email"]),
        password_hash=row["password_hash"],
        roles=frozenset(Role(role) for role in row["roles"]),
        created_at=row["created_at"],
        version=row["version"],
    )


class SqlAlchemyRefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_family(self, family: RefreshTokenFamily) -> None:
        await self._session.execute(
            insert(refresh_token_families).values(
                id=family.id,
                user_id=family.user_id,
                created_at=family.created_at,
                revoked_at=family.revoked_at,
            )
        )

    async def add_token(self, token: RefreshToken) -> None:
        await self._session.execute(
            insert(refresh_tokens).values(
                token_hash=token.token_hash,
                family_id=token.family_id,
                issued_at=token.issued_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    async def token_for_update(self, token_hash: str) -> RefreshToken | None:
        statement = select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        row = (await self._session.execute(statement.with_for_update())).mappings().one_or_none()
        return RefreshToken(**row) if row else None

    async def family_for_update(self, family_id: UUID) -> RefreshTokenFamily | None:
        statement = select(refresh_token_families).where(refresh_token_families.c.id == family_id)
        row = (await self._session.execute(statement.with_for_update())).mappings().one_or_none()
        return RefreshTokenFamily(**row) if row else None

    async def save_token(self, token: RefreshToken) -> None:
        await self._session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token.token_hash)
            .values(used_at=token.used_at)
        )

    async def save_family(self, family: RefreshTokenFamily) -> None:
        await self._session.execute(
            update(refresh_token_families)
            .where(refresh_token_families.c.id == family.id)
            .values(revoked_at=family.revoked_at)
        )
