"""Domain-facing error types that map to RFC 9457 problem details.

Plain Python on purpose: domains raise these without importing any web framework; each
service's entrypoints turn them into ``application/problem+json`` responses in one place
(``edu.common.http_problems``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one input field, in words a person understands."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error a service reports to its callers on purpose."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, errors: Sequence[FieldProblem] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = tuple(errors)


class InvalidInput(DomainError):
    status = 422
    slug = "invalid-input"
    title = "The request has invalid values"


class Unauthenticated(DomainError):
    status = 401
    slug = "unauthenticated"
    title = "Authentication required"


class PermissionDenied(DomainError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(DomainError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    slug = "conflict"
    title = "Conflict with the current state"


class TooManyRequests(DomainError):
    """Too many attempts; the caller may try again after ``retry_after`` seconds."""

    status = 429
    slug = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
