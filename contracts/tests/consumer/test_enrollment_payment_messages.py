"""enrollment <- payment-engine: the payment.succeeded and payment.refunded events enrollment
enrols and revokes on, as enrollment decodes them (edu.events.decode), reads them (its real
payment_event) and applies them (its real PaymentEvents over its unit-test fakes).

The Rust producer's side: ``payment-engine pact-messages --state '<the state's params>'``
prints these messages by description (services/rs/payment-engine/README.md, Pact messages).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, match

from edu.common.clock import FakeClock
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.domain.purchases import PaymentEvent, PaymentOutcome
from edu.enrollment.entrypoints.payment_events import payment_event
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.enrollment.testing import FakeEnrollmentDatabase
from edu.events import decode

JSON = "application/json"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
# The engine's fixed example values (src/pact.rs) when a state names none.
PAYMENT_ID = "00000000-0000-0000-0000-0000baee0001"
STUDENT_ID = "00000000-0000-0000-0000-00005e550001"
COURSE_ID = "00000000-0000-0000-0000-0000c0de0001"
STATE = {
    "payment_id": PAYMENT_ID,
    "student_id": STUDENT_ID,
    "course_id": COURSE_ID,
    "currency_code": "EUR",
    "amount_minor": 4900,
}


def envelope(event_type: str, version: int) -> dict[str, Any]:
    """The protobuf JSON of edu.events.v1.EventEnvelope as the engine's relay writes it: the
    aggregate is the payment, int64 amounts are JSON strings."""
    return {
        "id": match.uuid("c61f1cf6-1053-4807-ba6d-a10c78613d82"),
        "type": event_type,
        "occurred_at": match.regex("2026-12-05T12:57:53.919933Z", regex=TIMESTAMP),
        "aggregate": "payment",
        "aggregate_id": match.uuid(PAYMENT_ID),
        "version": match.int(version),
        event_type.replace(".", "_"): {
            "payment_id": match.uuid(PAYMENT_ID),
            "student_id": match.uuid(STUDENT_ID),
            "course_id": match.uuid(COURSE_ID),
            "currency_code": match.regex("EUR", regex=r"^[A-Z]{3}$"),
            "amount_minor": match.regex("4900", regex=r"^[1-9][0-9]*$"),
        },
    }


def payment_engine_pact() -> Pact:
    pact = Pact("enrollment", "payment-engine").with_specification("V4")
    for event_type, state, version in (
        ("payment.succeeded", "a student's payment for a course has succeeded", 2),
        ("payment.refunded", "a student's payment for a course has been refunded", 3),
    ):
        (
            pact.upon_receiving(f"a {event_type} event", "Async")
            .given(state, STATE)
            .with_body(envelope(event_type, version), JSON)
            .with_metadata({"subject": f"events.{event_type}"})
        )
    return pact


@pytest.mark.pact_pair("enrollment", "payment-engine")
class TestEnrollmentPaymentMessageContracts:
    async def test_enrollment_enrols_on_succeeded_and_revokes_on_refunded(
        self, pact_check: Any
    ) -> None:
        pact = payment_engine_pact()
        heard: list[PaymentEvent] = []

        def receive(body: str | bytes | None, metadata: dict[str, object]) -> None:
            assert body is not None, "an event always has a body"
            assert str(metadata["subject"]).startswith("events.payment.")
            event = payment_event(decode(body.encode() if isinstance(body, str) else body))
            assert event is not None, "a payment event enrollment reads"
            heard.append(event)

        pact.verify(receive, "Async")
        assert sorted(e.outcome.value for e in heard) == ["payment.refunded", "payment.succeeded"]
        assert {(e.payment_id, e.student_id, e.course_id) for e in heard} == {
            (UUID(PAYMENT_ID), UUID(STUDENT_ID), UUID(COURSE_ID))
        }

        db = FakeEnrollmentDatabase()
        payments = PaymentEvents(db.unit_of_work, FakeClock())
        [succeeded] = [e for e in heard if e.outcome is PaymentOutcome.SUCCEEDED]
        [refunded] = [e for e in heard if e.outcome is PaymentOutcome.REFUNDED]
        assert await payments.apply(succeeded)
        [enrollment] = db.enrollments.values()
        assert (enrollment.status, enrollment.payment_id) == (
            EnrollmentStatus.ACTIVE,
            UUID(PAYMENT_ID),
        )
        assert await payments.apply(refunded)
        assert db.enrollments[enrollment.id].status is EnrollmentStatus.REVOKED
        pact_check(pact)
