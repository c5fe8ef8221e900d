"""Log-in throttling: at most N failed log-ins per window, per account and per client address.

An attempt first *reserves* a slot under every key it concerns; a successful log-in releases
its reservation, a failed one leaves it standing as a failure. Reserving before checking the
password (rather than counting after) keeps the limit exact under concurrency: a burst of
parallel guesses cannot slip past the count while the password hashes are being computed.
Unknown accounts are throttled by the email exactly like known ones, so the throttle does not
reveal which accounts exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from edu.common.problems import DomainError, TooManyRequests

DEFAULT_LIMIT = 100
DEFAULT_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Reservation:
    keys: tuple[str, ...]
    token: str


class LoginThrottle(Protocol):
    async def reserve(self, keys: Sequence[str]) -> Reservation:
        """A slot under every key; TooManyRequests (with retry_after) if any key is full."""

    async def release(self, reservation: Reservation) -> None:
        """Forget a reserved attempt (it succeeded)."""


class ThrottleUnavailable(DomainError):
    """The throttle's store cannot be reached: refuse log-ins rather than allow unlimited guessing."""

    status = 503
    slug = "unavailable"
    title = "Service unavailable"

    def __init__(self) -> None:
        super().__init__("Signing in is briefly unavailable; try again in a minute.")


def login_keys(account: str, client_address: str) -> list[str]:
    return [f"login-failures:account:{account}", f"login-failures:address:{client_address}"]


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
