"""Event in, decision out, on real NATS JetStream and PostgreSQL: a question and a course title
published as events are moderated by the durable consumer, and the outbox relay puts exactly
one ``moderation.decided`` per event on the bus — however often the events are delivered."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

from nats.aio.client import Client as NatsClient
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import JetStreamPublisher, OutboxEvent, OutboxRelay
from edu.events import DecodedEvent, decode, encode
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings
from edu.moderation.adapters.unit_of_work import SqlAlchemyModerationUnitOfWork
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.domain.wordlists import bundled_word_lists
from edu.moderation.entrypoints.content_events import consumer_settings, content_events_consumer
from edu.moderation.service_layer.submissions import Submissions
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished
from edu.proto_gen.events.v1.moderation_events_pb2 import (
    MODERATION_OUTCOME_HOLD,
    MODERATION_OUTCOME_REJECT,
    ModerationDecided,
)
from edu.proto_gen.events.v1.qa_events_pb2 import QaQuestionPosted


def namespaced(nats_namespace: str, **overrides: Any) -> ConsumerSettings:
    return consumer_settings(
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        durable="moderation",
        dead_letter_prefix=f"{nats_namespace}.dlq.moderation",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        fetch_timeout=0.2,
        **overrides,
    )


@contextlib.asynccontextmanager
async def consuming(
    nats_url: str, submissions: Submissions, settings: ConsumerSettings
) -> AsyncIterator[None]:
    stop = asyncio.Event()
    running = asyncio.create_task(
        content_events_consumer(nats_url, submissions, settings).run(stop)
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)


async def settled(js: JetStreamContext, settings: ConsumerSettings, messages: int) -> None:
    """Until the consumer acknowledged ``messages`` (it shares the test's connection)."""
    async with asyncio.timeout(15):
        while True:
            with contextlib.suppress(Exception):  # the durable may not exist yet
                info = await js.consumer_info(settings.stream, settings.durable)
                if info.ack_floor.stream_seq >= messages and not info.num_ack_pending:
                    return
            await asyncio.sleep(0.05)


async def dead_lettered(js: JetStreamContext, settings: ConsumerSettings, messages: int) -> None:
    async with asyncio.timeout(20):
        while True:
            with contextlib.suppress(Exception):  # the stream is made on the first dead letter
                info = await js.stream_info(settings.dead_letter_stream)
                if info.state.messages >= messages:
                    return
            await asyncio.sleep(0.05)


async def decisions_on_the_bus(
    js: JetStreamContext, settings: ConsumerSettings
) -> list[DecodedEvent]:
    subscription = await js.pull_subscribe(
        f"{settings.subject_prefix}.moderation.decided", stream=settings.stream
    )
    found: list[DecodedEvent] = []
    with contextlib.suppress(NatsTimeout, TimeoutError):
        while True:
            for message in await subscription.fetch(10, timeout=1):
                await message.ack()
                found.append(decode(message.data))
    return found


class TestEventInDecisionOut:
    async def test_each_event_is_decided_once_however_often_it_is_delivered(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        settings = namespaced(nats_namespace)
        js = nats_client.jetstream()
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        clock = FakeClock()
        course_id, teacher_id, question_id = str(uuid4()), str(uuid4()), str(uuid4())
        course = OutboxEvent.new(
            type="course.published",
            aggregate_id=course_id,
            version=1,
            payload=CoursePublished(
                course_id=course_id, teacher_id=teacher_id, title="Buy now: cheap followers"
            ),
            clock=clock,
        )
        question = OutboxEvent.new(
            type="qa.question_posted",
            aggregate_id=question_id,
            version=1,
            payload=QaQuestionPosted(
                question_id=question_id,
                course_id=course_id,
                author_id=str(uuid4()),
                body="You idiot, call me on +49 170 1234567",
            ),
            clock=clock,
        )
        # Each event three times, as a redelivering or duplicating bus would hand them over.
        for event in (course, question, course, question, question, course):
            await js.publish(f"{settings.subject_prefix}.{event.type}", encode(event))

        submissions = Submissions(
            lambda: SqlAlchemyModerationUnitOfWork(sessions), Moderator(bundled_word_lists()), clock
        )
        async with consuming(nats_url, submissions, settings):
            await settled(js, settings, messages=6)
        relay = OutboxRelay(
            sessions,
            JetStreamPublisher(
                nats_url, stream=settings.stream, subject_prefix=settings.subject_prefix
            ),
        )
        try:
            assert await relay.relay_once() == 2
            assert await relay.relay_once() == 0
        finally:
            await relay.close()

        decided = await decisions_on_the_bus(js, settings)
        payloads = {
            event.payload.subject_id: event.payload
            for event in decided
            if isinstance(event.payload, ModerationDecided)
        }
        assert len(decided) == 2
        assert payloads[course_id].outcome == MODERATION_OUTCOME_HOLD
        assert payloads[course_id].author_id == teacher_id
        assert payloads[question_id].outcome == MODERATION_OUTCOME_REJECT
        assert [r.code for r in payloads[question_id].reasons] == [
            "abusive_language",
            "phone_number",
        ]

        async with SqlAlchemyModerationUnitOfWork(sessions) as uow:
            assert await uow.courses.teacher_of(course_id) == teacher_id

    async def test_junk_is_dead_lettered_and_a_payload_without_ids_after_retries(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        quick = RedeliveryPolicy(max_deliveries=2, first_delay=0.05, max_delay=0.1)
        settings = namespaced(nats_namespace, policy=quick)
        js = nats_client.jetstream()
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        clock = FakeClock()
        nameless = OutboxEvent.new(
            type="qa.question_posted",
            aggregate_id="q-1",
            version=1,
            payload=QaQuestionPosted(question_id="q-1", body="no course, no author"),
            clock=clock,
        )
        await js.publish(f"{settings.subject_prefix}.qa.question_posted", b"not json at all")
        await js.publish(f"{settings.subject_prefix}.qa.question_posted", encode(nameless))
        submissions = Submissions(
            lambda: SqlAlchemyModerationUnitOfWork(sessions), Moderator(bundled_word_lists()), clock
        )
        async with consuming(nats_url, submissions, settings):
            await dead_lettered(js, settings, messages=2)
        async with SqlAlchemyModerationUnitOfWork(sessions) as uow:
            assert await uow.items.latest_for_subject(ItemKind.QUESTION, "q-1") is None
