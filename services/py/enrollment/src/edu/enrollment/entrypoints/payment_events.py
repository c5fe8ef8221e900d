"""The payment-engine's ``payment.succeeded`` and ``payment.refunded`` applied to enrolments
(service_layer/payments.py), through edu.events' durable consumer.

Delivery is at-least-once, duplicated and out of order; the use case is idempotent by payment
id, so every delivery is simply applied. Failures (ADR 0007): bytes that are no envelope are
dead-lettered at once; a payload that cannot be read (an id that is no UUID) or contradicts
what the payment's first event said, after ``max_deliveries``; a database outage is retried
for as long as it lasts. ``payment.failed`` changes no enrolment and is not subscribed to.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from edu.enrollment.domain.purchases import PaymentEvent, PaymentOutcome
from edu.enrollment.entrypoints.course_events import DEAD_LETTER_PREFIX, TRANSIENT_ERRORS
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.events import DecodedEvent
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.proto_gen.events.v1.payment_events_pb2 import PaymentRefunded, PaymentSucceeded

PAYMENT_EVENTS = (PaymentOutcome.SUCCEEDED.value, PaymentOutcome.REFUNDED.value)
DURABLE_NAME = "enrollment-payments"


def payment_event(event: DecodedEvent) -> PaymentEvent | None:
    """What ``event`` says about a payment; None for any other event.

    Raises ValueError when an id in it is no UUID (the message is at fault).
    """
    payload = event.payload
    if isinstance(payload, PaymentSucceeded):
        outcome = PaymentOutcome.SUCCEEDED
    elif isinstance(payload, PaymentRefunded):
        outcome = PaymentOutcome.REFUNDED
    else:
        return None
    return PaymentEvent(
        payment_id=UUID(payload.payment_id),
        student_id=UUID(payload.student_id),
        course_id=UUID(payload.course_id),
        outcome=outcome,
    )


class PaymentEventHandler:
    """Applies each payment event; True when it changed what enrollment knows."""

    def __init__(self, payments: PaymentEvents) -> None:
        self._payments = payments

    async def __call__(self, event: DecodedEvent) -> bool:
        heard = payment_event(event)
        return heard is not None and await self._payments.apply(heard)


def consumer_settings(**overrides: Any) -> ConsumerSettings:
    """The durable consumer of the payment events; tests override stream, prefix and timings."""
    defaults = ConsumerSettings(
        durable=DURABLE_NAME, event_types=PAYMENT_EVENTS, dead_letter_prefix=DEAD_LETTER_PREFIX
    )
    return dataclasses.replace(defaults, **overrides)


def payment_events_consumer(
    nats_url: str, payments: PaymentEvents, settings: ConsumerSettings | None = None
) -> DurableEventConsumer[DecodedEvent]:
    return DurableEventConsumer(
        nats_url,
        PaymentEventHandler(payments),
        settings or consumer_settings(),
        transient=TRANSIENT_ERRORS,
    )
