"""What a service call can fail with, in terms the pages can act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class ServiceUnavailable(Exception):
    """The service did not answer, timed out, or answered 5xx: the page says "try again soon"."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable: {reason}")
        self.service = service
        self.reason = reason


class TooManyAttempts(Exception):
    """429: the service holds the visitor back for ``retry_after`` seconds (its Retry-After).
    Not a ProblemError: no change to the form helps, only waiting."""

    def __init__(self, service: str, retry_after: int, detail: str = "") -> None:
        super().__init__(f"{service} asks to wait {retry_after} s: {detail}")
        self.service = service
        self.retry_after = retry_after
        self.detail = detail


@dataclass
class ProblemError(Exception):
    """A 4xx problem+json answer: what the caller did is refused, with a reason per field."""

    status: int
    title: str
    detail: str = ""
    # Field name (the service's location without its first part, e.g. "body.email" ->
    # "email", "body.tags.1" -> "tags.1") to the messages for it.
    field_errors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status} {self.title}: {self.detail}")

    @property
    def message(self) -> str:
        return self.detail or self.title


class NotSignedIn(ProblemError):
    """401: the access token is missing, expired or revoked."""
