"""Signing in, refreshing and signing out: access tokens plus rotating refresh tokens."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from edu.common.client_address import throttling_key
from edu.common.clock import Clock
from edu.identity.domain.email import EmailAddress, InvalidEmail
from edu.identity.domain.passwords import normalise_password
from edu.identity.domain.refresh_tokens import (
    RefreshRejected,
    RefreshTokenFamily,
    RefreshTokenReused,
)
from edu.identity.domain.user import InvalidCredentials, User
from edu.identity.service_layer.ports import (
    AccessTokenIssuer,
    IdentityUnitOfWork,
    PasswordHasher,
    UnitOfWorkFactory,
)
from edu.identity.service_layer.throttling import LoginThrottle

logger = logging.getLogger("edu.identity.sessions")


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_in: int


def hash_refresh_token(token: str) -> str:
    # The token is 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        access_tokens: AccessTokenIssuer,
        clock: Clock,
        refresh_ttl: timedelta,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._throttle = throttle
        self._access = access_tokens
        self._clock = clock
        self._refresh_ttl = refresh_ttl

    async def log_in(self, email: str, password: str, client_address: str) -> IssuedTokens:
        """Check the password (throttled) and start a new refresh-token family."""
        account = _account_key(email)
        reservation = await self._throttle.reserve(account, throttling_key(client_address))
        async with self._uow() as uow:
            user = await self._authenticate(uow, account, normalise_password(password))
            family = RefreshTokenFamily.start(user_id=user.id, now=self._clock.now())
            await uow.refresh_tokens.add_family(family)
            tokens = await self._issue(uow, user, family)
            await uow.commit()
        await self._throttle.succeeded(reservation)
        return tokens

    async def _authenticate(self, uow: IdentityUnitOfWork, account: str, password: str) -> User:
        user = None
        if "@" in account:
            user = await uow.users.get_by_email(EmailAddress(account))
        if user is None:
            await self._hasher.verify_nothing(password)
            raise InvalidCredentials()
        if not await self._hasher.verify(user.password_hash, password):
            raise InvalidCredentials()
        if self._hasher.needs_rehash(user.password_hash):
            await uow.users.set_password_hash(user.id, await self._hasher.hash(password))
        return user

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        """Spend a refresh token for a new pair; a spent token revokes its whole family."""
        async with self._uow() as uow:
            token = await uow.refresh_tokens.token_for_update(hash_refresh_token(refresh_token))
            if token is None:
                raise RefreshRejected("unknown token")
            family = await uow.refresh_tokens.family_for_update(token.family_id)
            user = await uow.users.get(family.user_id) if family else None
            if family is None or user is None:
                raise RefreshRejected("family or user gone")
            new_token = secrets.token_urlsafe(32)
            try:
                successor = family.rotate(
                    token,
                    new_token_hash=hash_refresh_token(new_token),
                    now=self._clock.now(),
                    ttl=self._refresh_ttl,
                )
            except RefreshTokenReused:
                logger.warning(
                    "refresh token reuse: family %s of user %s revoked", family.id, user.id
                )
                await uow.refresh_tokens.save_family(family)
                await uow.commit()
                raise
            await uow.refresh_tokens.save_token(token)
            await uow.refresh_tokens.add_token(successor)
            await uow.commit()
        return self._pair(user, new_token)

    async def log_out(self, refresh_token: str) -> None:
        """Revoke the family of ``refresh_token``; unknown tokens are quietly accepted."""
        async with self._uow() as uow:
            token = await uow.refresh_tokens.token_for_update(hash_refresh_token(refresh_token))
            family = await uow.refresh_tokens.family_for_update(token.family_id) if token else None
            if family is None:
                return
            family.revoke(self._clock.now())
            await uow.refresh_tokens.save_family(family)
            await uow.commit()

    async def _issue(
        self, uow: IdentityUnitOfWork, user: User, family: RefreshTokenFamily
    ) -> IssuedTokens:
        refresh_token = secrets.token_urlsafe(32)
        await uow.refresh_tokens.add_token(
            family.issue(
                token_hash=hash_refresh_token(refresh_token),
                now=self._clock.now(),
                ttl=self._refresh_ttl,
            )
        )
        return self._pair(user, refresh_token)

    def _pair(self, user: User, refresh_token: str) -> IssuedTokens:
        return IssuedTokens(
            access_token=self._access.issue(
                user_id=user.id, email=user.email.value, roles=sorted(user.roles)
            ),
            access_expires_in=int(self._access.ttl.total_seconds()),
            refresh_token=refresh_token,
            refresh_expires_in=int(self._refresh_ttl.total_seconds()),
        )


def _account_key(email: str) -> str:
    """The normalised email when it is one; otherwise a bounded, lower-cased stand-in that is
    throttled the same way (and can never match an account)."""
    try:
        return EmailAddress.parse(email).value
    except InvalidEmail:
        return email.strip().lower()[:254].replace("@", "(at)")
