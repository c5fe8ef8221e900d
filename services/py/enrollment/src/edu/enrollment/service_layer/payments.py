"""The payment-engine's events applied to enrolments: enrol on ``payment.succeeded``, revoke on
``payment.refunded``, exactly once, whatever the order or repetition of the events.

Each event is one transaction under the lock of its student's purchases of its course: the
payment's purchase notes the event (a repeated event changes nothing and ends there), then the
enrolment follows what all the student's purchases of the course now say (domain/purchases.py).
"""

from __future__ import annotations

from uuid import UUID

from edu.common.clock import Clock
from edu.enrollment.domain.enrollment import Enrollment
from edu.enrollment.domain.purchases import PaymentEvent, Purchase, paying_purchase
from edu.enrollment.service_layer.outbox_events import to_outbox_event
from edu.enrollment.service_layer.ports import EnrollmentUnitOfWork, UnitOfWorkFactory


class PaymentEvents:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def apply(self, event: PaymentEvent) -> bool:
        """Note ``event`` and make the enrolment follow; False when it was heard before."""
        async with self._uow() as uow:
            await uow.purchases.lock(event.student_id, event.course_id)
            purchase = await uow.purchases.get(event.payment_id) or Purchase.first_heard(event)
            if not purchase.hear(event):  # heard before: applied then, nothing to do now
                return False
            await uow.purchases.save(purchase)
            purchases = {
                p.payment_id: p for p in await uow.purchases.of(event.student_id, event.course_id)
            }
            purchases[purchase.payment_id] = purchase
            await self._follow(uow, event, paying=paying_purchase(purchases.values()))
            await uow.commit()
        return True

    async def _follow(
        self, uow: EnrollmentUnitOfWork, event: PaymentEvent, paying: UUID | None
    ) -> None:
        now = self._clock.now()
        enrollment = await uow.enrollments.find(event.student_id, event.course_id, for_update=True)
        if enrollment is None:
            if paying is None:
                return
            candidate = Enrollment.purchased(
                student_id=event.student_id, course_id=event.course_id, payment_id=paying, now=now
            )
            enrollment, created = await uow.enrollments.add_if_absent(candidate)
            if created:
                self._write_events(uow, enrollment)
                return
        if enrollment.follow_payments(paying, now):
            await uow.enrollments.save(enrollment)
            self._write_events(uow, enrollment)

    def _write_events(self, uow: EnrollmentUnitOfWork, enrollment: Enrollment) -> None:
        for recorded in enrollment.events:
            uow.outbox.add(to_outbox_event(recorded, self._clock))
        enrollment.events.clear()
