"""The payment-engine's events on JetStream (real NATS) reach enrolments through edu.events'
durable consumer: duplicated and out of order, as at-least-once delivery brings them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

from google.protobuf.message import Message
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.entrypoints.payment_events import consumer_settings, payment_events_consumer
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.events import encode
from edu.events.jetstream_consumer import ConsumerSettings
from edu.proto_gen.events.v1.payment_events_pb2 import PaymentRefunded, PaymentSucceeded

STUDENT = uuid4()


def namespaced(nats_namespace: str) -> ConsumerSettings:
    return consumer_settings(
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        durable="payments",
        dead_letter_prefix=f"{nats_namespace}.dlq.enrollment",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        fetch_timeout=0.2,
    )


def payment_event(kind: str, payment_id: UUID, course_id: UUID) -> OutboxEvent:
    """As the payment-engine's relay sends it: aggregate "payment", its id the payment's."""
    ids = {"payment_id": str(payment_id), "student_id": str(STUDENT), "course_id": str(course_id)}
    payload: Message = (
        PaymentSucceeded(**ids, currency_code="EUR", amount_minor=1999)
        if kind == "payment.succeeded"
        else PaymentRefunded(**ids, currency_code="EUR", amount_minor=1999)
    )
    return OutboxEvent.new(
        type=kind,
        aggregate="payment",
        aggregate_id=str(payment_id),
        version=1 if kind == "payment.succeeded" else 2,
        payload=payload,
        clock=FakeClock(),
    )


@contextlib.asynccontextmanager
async def consuming(
    nats_url: str, sessions: async_sessionmaker[AsyncSession], settings: ConsumerSettings
) -> AsyncIterator[None]:
    payments = PaymentEvents(lambda: SqlAlchemyEnrollmentUnitOfWork(sessions), FakeClock())
    stop = asyncio.Event()
    running = asyncio.create_task(payment_events_consumer(nats_url, payments, settings).run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)


async def settled(js: JetStreamContext, settings: ConsumerSettings, messages: int) -> None:
    """Until the consumer has acknowledged ``messages`` (it shares the test's connection)."""
    async with asyncio.timeout(15):
        while True:
            with contextlib.suppress(Exception):  # the durable may not exist yet
                info = await js.consumer_info(settings.stream, settings.durable)
                if info.ack_floor.stream_seq >= messages and not info.num_ack_pending:
                    return
            await asyncio.sleep(0.05)


class TestPaymentEventsConsumer:
    async def test_duplicates_enrol_once_and_a_refund_before_its_success_never_enrols(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        settings = namespaced(nats_namespace)
        js = nats_client.jetstream()
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        bought, refunded = uuid4(), uuid4()
        kept, lost = uuid4(), uuid4()
        deliveries = [
            payment_event("payment.succeeded", kept, bought),
            payment_event("payment.refunded", lost, refunded),  # overtook its success
            payment_event("payment.succeeded", kept, bought),  # redelivered
            payment_event("payment.succeeded", lost, refunded),
            payment_event("payment.succeeded", kept, bought),
        ]
        for event in deliveries:
            await js.publish(f"{settings.subject_prefix}.{event.type}", encode(event))
        await js.publish(f"{settings.subject_prefix}.payment.succeeded", b"not json at all")

        async with consuming(nats_url, sessions, settings):
            await settled(js, settings, messages=len(deliveries) + 1)

        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as reader:
            mine = await reader.enrollments.list_for_student(STUDENT)
        assert [(e.course_id, e.status, e.payment_id) for e in mine] == [
            (bought, EnrollmentStatus.ACTIVE, kept)
        ]
        dead = await js.stream_info(settings.dead_letter_stream)
        assert dead.state.messages == 1
