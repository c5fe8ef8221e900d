"""What enrollment remembers of each payment: whether its success and its refund were heard.

The payment-engine's events arrive at least once and in any order (a refund may overtake the
success it undoes), so enrollment never acts on one event alone. It keeps one ``Purchase`` per
payment id whose two flags only ever turn on, and a student has paid access to a course while
some purchase of it has succeeded and not been refunded. Whatever the order and repetition of
the events, the flags — and so the access — end the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class PaymentOutcome(StrEnum):
    SUCCEEDED = "payment.succeeded"
    REFUNDED = "payment.refunded"


@dataclass(frozen=True)
class PaymentEvent:
    """One delivery of a payment event, as the consumer reads it."""

    payment_id: UUID
    student_id: UUID
    course_id: UUID
    outcome: PaymentOutcome


@dataclass
class Purchase:
    payment_id: UUID
    student_id: UUID
    course_id: UUID
    succeeded: bool = False
    refunded: bool = False

    @classmethod
    def first_heard(cls, event: PaymentEvent) -> Purchase:
        return cls(event.payment_id, event.student_id, event.course_id)

    @property
    def gives_access(self) -> bool:
        return self.succeeded and not self.refunded

    def hear(self, event: PaymentEvent) -> bool:
        """Note ``event``; False when it was heard before (nothing changes).

        Raises ValueError when the event names another student or course than this payment's
        first event did: a message at fault, never to be applied.
        """
        if (event.student_id, event.course_id) != (self.student_id, self.course_id):
            raise ValueError(
                f"payment {self.payment_id} was for student {self.student_id} and course "
                f"{self.course_id}, not {event.student_id} and {event.course_id}"
            )
        if event.outcome is PaymentOutcome.SUCCEEDED:
            changed, self.succeeded = not self.succeeded, True
        else:
            changed, self.refunded = not self.refunded, True
        return changed


def paying_purchase(purchases: Iterable[Purchase]) -> UUID | None:
    """The payment that gives access (the lowest id when several do), or None."""
    live = sorted(p.payment_id for p in purchases if p.gives_access)
    return live[0] if live else None
