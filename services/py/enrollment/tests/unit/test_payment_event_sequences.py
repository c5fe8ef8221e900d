"""The property of issue 22 on enrollment's side: any sequence of ``payment.succeeded`` and
``payment.refunded`` deliveries — repeated, reordered, a refund before its success — leaves
exactly the enrolments of the payments that succeeded and were not refunded, each once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.domain.purchases import PaymentEvent, PaymentOutcome
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.enrollment.testing import FakeEnrollmentDatabase

STUDENTS = [UUID(int=1), UUID(int=2)]
COURSES = [UUID(int=11), UUID(int=12)]
SUCCEEDED, REFUNDED = PaymentOutcome.SUCCEEDED, PaymentOutcome.REFUNDED


@dataclass(frozen=True)
class Payment:
    id: UUID
    student_id: UUID
    course_id: UUID
    refunded: bool  # the engine refunds only what succeeded: every payment here succeeded

    def events(self) -> list[PaymentEvent]:
        outcomes = [SUCCEEDED, REFUNDED] if self.refunded else [SUCCEEDED]
        return [PaymentEvent(self.id, self.student_id, self.course_id, o) for o in outcomes]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Payment], list[PaymentEvent]]:
    """A few payments over two students and two courses (several per pair happen), and their
    events delivered at least once each, in any order."""
    count = draw(st.integers(1, 6))
    payments = [
        Payment(
            UUID(int=100 + i),
            draw(st.sampled_from(STUDENTS)),
            draw(st.sampled_from(COURSES)),
            draw(st.booleans()),
        )
        for i in range(count)
    ]
    every = [event for payment in payments for event in payment.events()]
    repeats = draw(st.lists(st.sampled_from(every), max_size=12))
    return payments, draw(st.permutations(every + repeats))


def expected_access(delivered: list[PaymentEvent]) -> set[tuple[UUID, UUID]]:
    """Who may learn what after ``delivered``: some payment of the pair heard succeeding and
    not heard refunded."""
    succeeded = {e.payment_id for e in delivered if e.outcome is SUCCEEDED}
    refunded = {e.payment_id for e in delivered if e.outcome is REFUNDED}
    return {
        (e.student_id, e.course_id)
        for e in delivered
        if e.payment_id in succeeded and e.payment_id not in refunded
    }


def access(db: FakeEnrollmentDatabase) -> set[tuple[UUID, UUID]]:
    return {
        (e.student_id, e.course_id)
        for e in db.enrollments.values()
        if e.status is not EnrollmentStatus.REVOKED
    }


@settings(max_examples=120, deadline=None)
@given(histories())
def test_enrolments_are_the_succeeded_not_refunded_payments_after_every_delivery(
    history: tuple[list[Payment], list[PaymentEvent]],
) -> None:
    payments, deliveries = history
    db = FakeEnrollmentDatabase()
    use_case = PaymentEvents(db.unit_of_work, FakeClock())

    async def deliver_all() -> None:
        for i, event in enumerate(deliveries):
            await use_case.apply(event)
            assert access(db) == expected_access(deliveries[: i + 1]), f"after {i + 1}"

    asyncio.run(deliver_all())

    final = {(p.student_id, p.course_id) for p in payments if not p.refunded}
    assert access(db) == final
    # Each pair enrolled at most once, ever: one row and one enrollment.created per pair.
    pairs = [(e.student_id, e.course_id) for e in db.enrollments.values()]
    assert len(pairs) == len(set(pairs))
    created = [e for e in db.outbox if e.type == "enrollment.created"]
    assert len(created) == len(db.enrollments)
    # Every active paid enrolment names a payment of its pair that succeeded and was not refunded.
    live = {p.id: (p.student_id, p.course_id) for p in payments if not p.refunded}
    for enrollment in db.enrollments.values():
        if enrollment.status is not EnrollmentStatus.REVOKED:
            assert enrollment.payment_id is not None
            assert live[enrollment.payment_id] == (enrollment.student_id, enrollment.course_id)
