"""What enrollment knows about a course: whether it is published, its title, lesson ids and
price."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from edu.common.money import format_money
from edu.common.problems import Conflict, DomainError, NotFound


class PaymentRequired(DomainError):
    """The course costs money: it is bought through the payment-engine, not enrolled in."""

    status = 402
    slug = "payment-required"
    title = "Buy the course first"


@dataclass(frozen=True)
class CoursePrice:
    """``amount_minor`` minor units of ``currency_code`` (1999 EUR is 19.99 EUR)."""

    currency_code: str
    amount_minor: int

    @classmethod
    def of(cls, currency_code: str, amount_minor: int) -> CoursePrice | None:
        """The price a message or a row carries; None (free) when it has none or 0."""
        if not currency_code or amount_minor <= 0:
            return None
        return cls(currency_code, amount_minor)

    def __str__(self) -> str:
        return format_money(self.currency_code, self.amount_minor)


@dataclass(frozen=True)
class CourseOutline:
    """A snapshot of a course at ``version`` (the course aggregate's version).

    Snapshots only ever replace older ones, so it does not matter in which order they arrive.
    """

    course_id: UUID
    title: str
    published: bool
    lesson_ids: frozenset[UUID]
    version: int
    price: CoursePrice | None = None  # None: free

    def ensure_open_for_enrollment(self) -> None:
        if not self.published:
            raise Conflict("This course is not open for enrolment.")

    def ensure_free(self) -> None:
        """A paid course is enrolled in by buying it: its ``payment.succeeded`` enrols."""
        if self.price is not None:
            raise PaymentRequired(
                f"“{self.title}” costs {self.price}: buy the course first (POST /payments with "
                f"its course_id {self.course_id} and this amount); you are enrolled as soon as "
                "the payment succeeds."
            )

    def ensure_has_lesson(self, lesson_id: UUID) -> None:
        if lesson_id not in self.lesson_ids:
            raise NotFound("This lesson is not part of the course.")

    def is_newer_than(self, other: CourseOutline | None) -> bool:
        return other is None or self.version > other.version
