"""Payment events as they arrive from the payment-engine: decoded from the envelope's protobuf
JSON, applied, and settled (ADR 0007) — acknowledged, redelivered or dead-lettered."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from google.protobuf.message import Message

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.entrypoints.course_events import TRANSIENT_ERRORS
from edu.enrollment.entrypoints.payment_events import (
    DURABLE_NAME,
    PaymentEventHandler,
    consumer_settings,
)
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.enrollment.testing import FakeEnrollmentDatabase, FakeEnrollmentUnitOfWork
from edu.events import encode
from edu.events.dispositions import Acknowledge, DeadLetter, Redeliver, RedeliveryPolicy, dispose
from edu.proto_gen.events.v1.payment_events_pb2 import (
    PaymentFailed,
    PaymentRefunded,
    PaymentSucceeded,
)

PAYMENT, STUDENT, COURSE = uuid4(), uuid4(), uuid4()
POLICY = RedeliveryPolicy(max_deliveries=3)


class BrokenDatabase(FakeEnrollmentDatabase):
    def unit_of_work(self) -> FakeEnrollmentUnitOfWork:  # fails like a dead database
        raise ConnectionError("database is down")


def on_the_wire(event_type: str, payload: Message, payment_id: UUID = PAYMENT) -> bytes:
    """As the payment-engine's relay sends it: aggregate "payment", id = the payment's."""
    event = OutboxEvent.new(
        type=event_type,
        aggregate="payment",
        aggregate_id=str(payment_id),
        version=1,
        payload=payload,
        clock=FakeClock(),
    )
    return encode(event)


def succeeded(payment_id: str = str(PAYMENT)) -> bytes:
    message = PaymentSucceeded(
        payment_id=payment_id,
        student_id=str(STUDENT),
        course_id=str(COURSE),
        currency_code="EUR",
        amount_minor=1999,
    )
    return on_the_wire("payment.succeeded", message)


def refunded() -> bytes:
    message = PaymentRefunded(
        payment_id=str(PAYMENT),
        student_id=str(STUDENT),
        course_id=str(COURSE),
        currency_code="EUR",
        amount_minor=1999,
    )
    return on_the_wire("payment.refunded", message)


async def settle(data: bytes, db: FakeEnrollmentDatabase, deliveries: int = 1) -> object:
    handler = PaymentEventHandler(PaymentEvents(db.unit_of_work, FakeClock()))
    return await dispose(data, deliveries, handler, POLICY, TRANSIENT_ERRORS)


class TestSubscription:
    def test_the_durable_consumer_hears_succeeded_and_refunded_only(self) -> None:
        settings = consumer_settings()
        assert settings.durable == DURABLE_NAME
        assert settings.subjects == ["events.payment.succeeded", "events.payment.refunded"]


class TestPaymentEventsAreApplied:
    async def test_a_success_enrols_and_a_repeat_is_acknowledged_as_nothing_new(self) -> None:
        db = FakeEnrollmentDatabase()
        assert await settle(succeeded(), db) == Acknowledge(True)
        assert await settle(succeeded(), db) == Acknowledge(False)
        [enrollment] = db.enrollments.values()
        assert (enrollment.student_id, enrollment.course_id, enrollment.payment_id) == (
            STUDENT,
            COURSE,
            PAYMENT,
        )

    async def test_a_refund_revokes(self) -> None:
        db = FakeEnrollmentDatabase()
        await settle(succeeded(), db)
        assert await settle(refunded(), db) == Acknowledge(True)
        [enrollment] = db.enrollments.values()
        assert enrollment.status is EnrollmentStatus.REVOKED

    async def test_a_failed_payment_changes_nothing(self) -> None:
        db = FakeEnrollmentDatabase()
        failed = PaymentFailed(
            payment_id=str(PAYMENT), student_id=str(STUDENT), course_id=str(COURSE), reason="no"
        )
        assert await settle(on_the_wire("payment.failed", failed), db) == Acknowledge(False)
        assert (db.enrollments, db.purchases) == ({}, {})


class TestWhatCannotBeApplied:
    @pytest.mark.parametrize(("deliveries", "expected"), [(1, Redeliver), (3, DeadLetter)])
    async def test_an_id_that_is_no_uuid_is_retried_then_dead_lettered(
        self, deliveries: int, expected: type
    ) -> None:
        outcome = await settle(succeeded("pay-1"), FakeEnrollmentDatabase(), deliveries)
        assert isinstance(outcome, expected)

    async def test_a_database_outage_is_redelivered_however_often_it_happened(self) -> None:
        assert isinstance(await settle(succeeded(), BrokenDatabase(), deliveries=50), Redeliver)
