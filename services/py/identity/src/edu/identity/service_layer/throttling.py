"""Limits on guessing passwords and on sign-ups, in sliding windows shared by every replica.

Log-in: an attempt first *reserves* a slot under every key it concerns; a successful log-in
releases its reservation, a failed one leaves it standing as a failure. Reserving before the
password is checked keeps the limit exact under concurrency. Two keys (ADR 0005):

- the client address (``login-failures:address:<address>``): one visitor's guesses, whatever
  the accounts;
- the account (``login-failures:account:<email>``), counted and enforced only for addresses
  that never signed in to it. An address that has (``login-known-addresses:<email>``, kept
  ``known_for_days``) is exempt, so failures from elsewhere cannot lock the owner out at home.

Unknown accounts are throttled by the email exactly like known ones (the throttle does not
reveal which accounts exist). Sign-up: at most ``limit`` per client address per window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from edu.common.problems import DomainError, TooManyRequests

DEFAULT_LIMIT = 100
DEFAULT_WINDOW_SECONDS = 3600
DEFAULT_KNOWN_FOR_DAYS = 90
DEFAULT_SIGNUP_LIMIT = 20
DEFAULT_SIGNUP_WINDOW_SECONDS = 900


class WindowFull(Exception):
    """A key already holds ``limit`` attempts; room returns in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"full for {retry_after} s")
        self.retry_after = retry_after


class AttemptStore(Protocol):
    """Sliding-window logs of attempts, and sets of known members, with expiry."""

    async def reserve(self, keys: Sequence[str], *, limit: int, window_seconds: int) -> str:
        """A slot under every key (returns its token), all or none; WindowFull if any is full."""

    async def release(self, keys: Sequence[str], token: str) -> None:
        """Forget a reserved attempt."""

    async def is_member(self, key: str, member: str) -> bool: ...

    async def remember(self, key: str, member: str, *, ttl_seconds: int) -> None:
        """Add ``member`` to the set ``key``, which expires ``ttl_seconds`` after the last add."""


class ThrottleUnavailable(DomainError):
    """The throttle's store cannot be reached: refuse rather than allow unlimited attempts."""

    status = 503
    slug = "unavailable"
    title = "Service unavailable"
    # Read by edu.common.http_problems into the answer's Retry-After (every 503 says when to
    # come back; the store reconnects on the next call).
    retry_after = 5

    def __init__(self) -> None:
        super().__init__("Signing in or up is briefly unavailable; try again in a few seconds.")


@dataclass(frozen=True)
class Reservation:
    account: str
    address: str
    keys: tuple[str, ...]
    token: str


class LoginThrottle:
    def __init__(
        self,
        store: AttemptStore,
        *,
        limit: int = DEFAULT_LIMIT,
        window_seconds: int = DEFAULT_WINDOW_SECONDS,
        known_for_days: int = DEFAULT_KNOWN_FOR_DAYS,
    ) -> None:
        self._store = store
        self.limit = limit
        self.window_seconds = window_seconds
        self.known_for_seconds = known_for_days * 86_400

    async def reserve(self, account: str, address: str) -> Reservation:
        """A slot for one attempt; TooManyRequests (with retry_after) while a key is full."""
        keys = [f"login-failures:address:{address}"]
        if not await self._store.is_member(_known_key(account), address):
            keys.append(f"login-failures:account:{account}")
        try:
            token = await self._store.reserve(
                keys, limit=self.limit, window_seconds=self.window_seconds
            )
        except WindowFull as full:
            raise too_many_failures(full.retry_after) from None
        return Reservation(account=account, address=address, keys=tuple(keys), token=token)

    async def succeeded(self, reservation: Reservation) -> None:
        """The password was right: the attempt is no failure, and its address is now known."""
        await self._store.release(reservation.keys, reservation.token)
        await self._store.remember(
            _known_key(reservation.account),
            reservation.address,
            ttl_seconds=self.known_for_seconds,
        )


class SignUpThrottle:
    def __init__(
        self,
        store: AttemptStore,
        *,
        limit: int = DEFAULT_SIGNUP_LIMIT,
        window_seconds: int = DEFAULT_SIGNUP_WINDOW_SECONDS,
    ) -> None:
        self._store = store
        self.limit = limit
        self.window_seconds = window_seconds

    async def admit(self, address: str) -> None:
        """Count one sign-up from ``address``; TooManyRequests once ``limit`` are standing."""
        try:
            await self._store.reserve(
                [f"sign-ups:address:{address}"],
                limit=self.limit,
                window_seconds=self.window_seconds,
            )
        except WindowFull as full:
            raise TooManyRequests(
                f"Too many sign-ups from this address. Try again in {_duration(full.retry_after)}.",
                retry_after=full.retry_after,
            ) from None


def _known_key(account: str) -> str:
    return f"login-known-addresses:{account}"


def too_many_failures(retry_after_seconds: int) -> TooManyRequests:
    return TooManyRequests(
        "Too many failed sign-in attempts for this account or from this address. "
        f"Try again in {_duration(retry_after_seconds)}.",
        retry_after=retry_after_seconds,
    )


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{max(1, seconds)} seconds"
    return f"{(seconds + 59) // 60} minutes"
