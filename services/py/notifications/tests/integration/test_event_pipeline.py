"""From JetStream to the SMTP sink: the consumer, the queue and the email-sender worker, all
real. Duplicates and redeliveries send one email; a poison event is dead-lettered after N
deliveries and the consumer keeps going."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable

import nats
import pytest
from nats.js import JetStreamContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import SystemClock
from edu.db.outbox import OutboxEvent
from edu.email_sender.loop import SenderLoop
from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import EmailSending
from edu.email_sender.smtp_mailer import SmtpMailer
from edu.email_sender.sql_queue import SqlAlchemyQueueUnitOfWork
from edu.events import DecodedEvent, encode
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.mailsink.sink import SmtpSink
from edu.notifications.adapters.orm import email_queue, processed_events
from edu.notifications.adapters.templates import JinjaEmailRenderer
from edu.notifications.adapters.unit_of_work import SqlAlchemyNotificationsUnitOfWork
from edu.notifications.bootstrap import TRANSIENT_ERRORS
from edu.notifications.service_layer.event_handling import EventHandling, Outcome
from edu.notifications.service_layer.ports import NotificationsUnitOfWork
from edu.testing.loops import eventually, running
from edu.testing.nats_servers import NatsServerFactory

Sessions = async_sessionmaker[AsyncSession]
Handler = Callable[[DecodedEvent], Awaitable[object]]
FAST = RetryPolicy(first_delay=0.05, max_delay=0.2)


class SimulatedCrash(BaseException):
    """The process dying mid-way: not an error the consumer catches, so nothing is acked."""


def registered(email: str = "ada@example.org") -> OutboxEvent:
    user_id = str(uuid.uuid4())
    return OutboxEvent.new(
        type="user.registered",
        aggregate_id=user_id,
        version=1,
        payload={"user_id": user_id, "email": email},
        clock=SystemClock(),
    )


async def publish(
    js: JetStreamContext, settings: ConsumerSettings, event: OutboxEvent, ack_wait: float = 5.0
) -> None:
    # No Nats-Msg-Id header: this is the duplicate JetStream's window would not catch (a
    # producer retrying after the window, or a replayed stream).
    await js.publish(f"{settings.subject_prefix}.{event.type}", encode(event), timeout=ack_wait)


class Pipeline:
    """notifications' consumer and the email-sender worker on one database and one sink."""

    def __init__(
        self,
        sessions: Sessions,
        js: JetStreamContext,
        settings: ConsumerSettings,
        nats_url: str,
        sink: SmtpSink,
    ) -> None:
        self.sessions, self.js, self.settings, self.nats_url, self.sink = (
            sessions,
            js,
            settings,
            nats_url,
            sink,
        )
        self.outcomes: list[object] = []

        def uow() -> NotificationsUnitOfWork:
            return SqlAlchemyNotificationsUnitOfWork(sessions)

        self.handling = EventHandling(
            uow, JinjaEmailRenderer(), SystemClock(), web_url="https://edu.example"
        )

    async def handle(self, event: DecodedEvent) -> object:
        outcome = await self.handling.handle(event)
        self.outcomes.append(outcome)
        return outcome

    def consumer(self, handler: Handler | None = None) -> DurableEventConsumer[DecodedEvent]:
        return DurableEventConsumer(
            self.nats_url, handler or self.handle, self.settings, transient=TRANSIENT_ERRORS
        )

    def worker(self) -> SenderLoop:
        mailer = SmtpMailer(
            self.sink.host, self.sink.port, sender="eduplatform <no-reply@edu.test>", timeout=2
        )
        sending = EmailSending(
            lambda: SqlAlchemyQueueUnitOfWork(self.sessions), mailer, SystemClock(), FAST
        )
        return SenderLoop(sending, poll_interval=0.05, backoff=FAST)

    async def drained(self) -> bool:
        """Every message delivered and acknowledged, and every queued email sent."""
        info = await self.js.consumer_info(self.settings.stream, self.settings.durable)
        async with self.sessions() as session:
            unsent = await session.scalar(
                select(func.count()).where(email_queue.c.sent_at.is_(None))
            )
        return info.num_pending == 0 and info.num_ack_pending == 0 and unsent == 0

    async def processed(self, event: OutboxEvent) -> bool:
        async with self.sessions() as session:
            found = await session.scalar(
                select(processed_events.c.event_id).where(processed_events.c.event_id == event.id)
            )
        return found is not None


@pytest.fixture
def pipeline(
    committed_sessions: Sessions,
    jetstream: JetStreamContext,
    consumer_settings: ConsumerSettings,
    nats_url: str,
    mail_sink: SmtpSink,
) -> Pipeline:
    return Pipeline(committed_sessions, jetstream, consumer_settings, nats_url, mail_sink)


class TestDuplicates:
    async def test_publishing_the_same_event_twice_sends_one_email(
        self, pipeline: Pipeline
    ) -> None:
        event = registered()
        await publish(pipeline.js, pipeline.settings, event)
        await publish(pipeline.js, pipeline.settings, event)

        async with running(pipeline.consumer(), pipeline.worker()):
            await eventually(lambda: _both(pipeline, 2), "both copies consumed and the queue sent")

        mails = pipeline.sink.store.list()
        assert [(m.subject, m.rcpt_to) for m in mails] == [
            ("Welcome to eduplatform", ("ada@example.org",))
        ]
        assert pipeline.outcomes == [Outcome.HANDLED, Outcome.DUPLICATE]


class TestRedelivery:
    async def test_a_crash_after_the_commit_but_before_the_ack_does_not_send_twice(
        self, pipeline: Pipeline
    ) -> None:
        event = registered()
        await publish(pipeline.js, pipeline.settings, event)

        async def handle_then_die(decoded: DecodedEvent) -> object:
            await pipeline.handle(decoded)
            raise SimulatedCrash

        stop = asyncio.Event()
        crashing = asyncio.create_task(pipeline.consumer(handle_then_die).run(stop))
        with pytest.raises(SimulatedCrash):
            await asyncio.wait_for(crashing, timeout=10)
        assert await pipeline.processed(event), "the first delivery committed its work"

        # A restarted consumer gets the unacknowledged message again after ack_wait.
        async with running(pipeline.consumer(), pipeline.worker()):
            await eventually(lambda: _both(pipeline, 2), "redelivered, acknowledged and sent")

        assert len(pipeline.sink.store.list()) == 1
        assert pipeline.outcomes == [Outcome.HANDLED, Outcome.DUPLICATE]


class TestDeadLetters:
    async def test_a_poison_event_is_dead_lettered_after_n_deliveries_and_the_rest_flows(
        self, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.ERROR, logger="edu.events.consumer")
        settings = pipeline.settings
        poison = OutboxEvent.new(
            type="enrollment.created",
            aggregate_id="e",
            version=1,
            clock=SystemClock(),
            payload={"enrollment_id": "e", "student_id": "not-a-uuid", "course_id": "c"},
        )
        before, after = registered("before@example.org"), registered("after@example.org")
        dlq = await pipeline.js.pull_subscribe(
            f"{settings.dead_letter_prefix}.>", stream=settings.dead_letter_stream
        )

        async with running(pipeline.consumer(), pipeline.worker()):
            await publish(pipeline.js, settings, poison)
            await publish(pipeline.js, settings, before)
            (dead,) = await dlq.fetch(1, timeout=15)
            await publish(pipeline.js, settings, after)
            await eventually(
                lambda: pipeline.processed(after), "the event after the poison is handled"
            )
            await eventually(pipeline.drained, "everything acknowledged and sent")

        assert (
            dead.subject
            == f"{settings.dead_letter_prefix}.{settings.subject_prefix}.enrollment.created"
        )
        assert dead.data == encode(poison)
        assert dead.headers is not None
        assert dead.headers["Edu-Deliveries"] == "3"
        assert "badly formed hexadecimal UUID" in dead.headers["Edu-Reason"]
        assert sorted(m.rcpt_to[0] for m in pipeline.sink.store.list()) == [
            "after@example.org",
            "before@example.org",
        ]
        assert not await pipeline.processed(poison)
        assert any(
            "DEAD-LETTERED" in r.getMessage() and str(poison.id) in r.getMessage()
            for r in caplog.records
        )


async def _both(pipeline: Pipeline, deliveries: int) -> bool:
    return (
        len(pipeline.outcomes) >= deliveries
        and bool(pipeline.sink.store.list())
        and await pipeline.drained()
    )


class TestNatsOutage:
    async def test_the_consumer_reconnects_and_handles_what_was_published_meanwhile(
        self,
        committed_sessions: Sessions,
        consumer_settings: ConsumerSettings,
        mail_sink: SmtpSink,
        nats_server_factory: NatsServerFactory,
    ) -> None:
        server = await nats_server_factory()
        js_client = await nats.connect(
            server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.1
        )
        js = js_client.jetstream()
        settings = consumer_settings
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        pipeline = Pipeline(committed_sessions, js, settings, server.url, mail_sink)
        first, second = registered("first@example.org"), registered("second@example.org")
        try:
            async with running(pipeline.consumer()):
                await publish(js, settings, first)
                await eventually(lambda: pipeline.processed(first), "handled before the outage")
                await server.stop()
                await server.start()  # same port, same JetStream store
                await eventually(
                    lambda: _published(js, settings, second), "published after restart"
                )
                await eventually(lambda: pipeline.processed(second), "handled after the outage")
        finally:
            await js_client.close()
        assert pipeline.outcomes == [Outcome.HANDLED, Outcome.HANDLED]


async def _published(js: JetStreamContext, settings: ConsumerSettings, event: OutboxEvent) -> bool:
    """One publish attempt; False while this test's own client is still reconnecting."""
    try:
        await publish(js, settings, event, ack_wait=0.5)
    except nats.errors.Error:
        return False
    return True
