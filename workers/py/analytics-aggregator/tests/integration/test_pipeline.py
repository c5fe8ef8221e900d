"""From JetStream to the rollups, all real: duplicates and a redelivery count once, a poison
message is dead-lettered with its reason, the last position follows occurred_at in SQL too,
the lag is measured, and course events fill the ownership table."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.analytics_aggregator.adapters.orm import (
    course_active_users,
    course_owners,
    lesson_viewers,
    lesson_views,
    processed_learning_events,
    session_progress,
)
from edu.analytics_aggregator.bootstrap import AggregatorContainer
from edu.analytics_aggregator.testing import learning_event
from edu.common.clock import SystemClock
from edu.db.outbox import OutboxEvent
from edu.events import encode
from edu.events.jetstream_consumer import ConsumerLag, ConsumerSettings, DurableEventConsumer
from edu.events.learning import DecodedLearningEvent, decode_learning, encode_learning
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent
from edu.testing.loops import eventually, running

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class SimulatedCrash(BaseException):
    """The process dying after the commit, before the ack: nothing is acknowledged."""


async def publish(js: JetStreamContext, settings: ConsumerSettings, event: LearningEvent) -> None:
    # No Nats-Msg-Id: a duplicate JetStream's de-duplication window would not catch.
    await js.publish(f"{settings.subject_prefix}.{event.type}", encode_learning(event), timeout=5)


async def count(sessions: Sessions, table: Table) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def drained(js: JetStreamContext, settings: ConsumerSettings) -> bool:
    try:
        info = await js.consumer_info(settings.stream, settings.durable)
    except NotFoundError:  # the consumer has not created it yet
        return False
    return bool(info.num_pending == 0 and info.num_ack_pending == 0)


def history(n_students: int) -> list[LearningEvent]:
    """Each student opens l-1, sends two heartbeats and finishes it: 4 events each."""
    events = []
    for i in range(n_students):
        u, s = f"u-{i}", f"s-{i}"
        events += [
            learning_event("lesson.opened", T0, user_id=u, session_id=s, lesson_id="l-1"),
            learning_event(
                "lesson.heartbeat",
                T0 + timedelta(seconds=10),
                lesson_id="l-1",
                position_seconds=100,
                duration_seconds=600,
                user_id=u,
                session_id=s,
            ),
            learning_event(
                "lesson.heartbeat",
                T0 + timedelta(seconds=20),
                lesson_id="l-1",
                position_seconds=400,
                duration_seconds=600,
                user_id=u,
                session_id=s,
            ),
            learning_event(
                "lesson.finished",
                T0 + timedelta(seconds=30),
                user_id=u,
                session_id=s,
                lesson_id="l-1",
            ),
        ]
    return events


class TestExactlyOnce:
    async def test_n_events_with_duplicates_and_a_redelivery_are_counted_exactly_n(
        self,
        aggregator: AggregatorContainer,
        jetstream: JetStreamContext,
        learning_settings: ConsumerSettings,
        committed_sessions: Sessions,
        nats_url: str,
    ) -> None:
        events = history(10)  # N = 40
        for event in events:
            await publish(jetstream, learning_settings, event)
        for event in events[::5]:  # 8 duplicates
            await publish(jetstream, learning_settings, event)

        # The first delivery of the first message commits, then the process "dies" before the
        # ack: JetStream redelivers it after ack_wait.
        async def fold_then_die(event: DecodedLearningEvent) -> object:
            await aggregator.rollups.fold(event)
            raise SimulatedCrash

        crashing = DurableEventConsumer(
            nats_url, fold_then_die, learning_settings, decoder=decode_learning
        )
        with pytest.raises(SimulatedCrash):
            await asyncio.wait_for(crashing.run(asyncio.Event()), timeout=10)

        async with running(aggregator.learning):
            await eventually(lambda: drained(jetstream, learning_settings), "all acknowledged")

        assert await count(committed_sessions, processed_learning_events) == 40
        async with committed_sessions() as session:
            views = await session.scalar(select(lesson_views.c.views))
            funnel = (
                await session.execute(
                    select(
                        func.count().filter(lesson_viewers.c.opened),
                        func.count().filter(lesson_viewers.c.halfway),
                        func.count().filter(lesson_viewers.c.finished),
                    )
                )
            ).one()
        assert views == 10
        assert tuple(funnel) == (10, 10, 10)
        assert await count(committed_sessions, course_active_users) == 10
        # 8 duplicates published, and the crashed delivery redelivered once.
        assert aggregator.metrics.outcomes["duplicate"] == 9


class TestOrderingInSql:
    async def test_a_late_arriving_earlier_heartbeat_does_not_move_the_student_back(
        self,
        aggregator: AggregatorContainer,
        jetstream: JetStreamContext,
        learning_settings: ConsumerSettings,
        committed_sessions: Sessions,
    ) -> None:
        def beat(seconds: int, position: int) -> LearningEvent:
            return learning_event(
                "lesson.heartbeat",
                T0 + timedelta(seconds=seconds),
                lesson_id="l-1",
                position_seconds=position,
                duration_seconds=600,
            )

        for event in (beat(30, 180), beat(10, 100), beat(20, 250)):  # arrival order != time
            await publish(jetstream, learning_settings, event)
        async with running(aggregator.learning):
            await eventually(lambda: drained(jetstream, learning_settings), "all acknowledged")

        async with committed_sessions() as session:
            row = (
                await session.execute(
                    select(session_progress.c.last_position, session_progress.c.furthest_position)
                )
            ).one()
        assert tuple(row) == (180, 250)


class TestDeadLetters:
    async def test_an_undecodable_event_is_dead_lettered_with_a_reason_and_the_rest_flows(
        self,
        aggregator: AggregatorContainer,
        jetstream: JetStreamContext,
        learning_settings: ConsumerSettings,
        committed_sessions: Sessions,
    ) -> None:
        s = learning_settings
        dlq = await jetstream.pull_subscribe(
            f"{s.dead_letter_prefix}.>", stream=s.dead_letter_stream
        )
        await jetstream.publish(f"{s.subject_prefix}.lesson.opened", b'{"id": "not json', timeout=5)
        after = learning_event("lesson.opened", T0, lesson_id="l-1")
        await publish(jetstream, s, after)

        async with running(aggregator.learning):
            (dead,) = await dlq.fetch(1, timeout=15)
            await eventually(lambda: drained(jetstream, s), "all acknowledged")

        assert dead.subject == f"{s.dead_letter_prefix}.{s.subject_prefix}.lesson.opened"
        assert dead.headers is not None
        assert dead.headers["Edu-Reason"].startswith(
            "malformed: not an edu.events.v1.LearningEvent"
        )
        assert await count(committed_sessions, processed_learning_events) == 1


class TestLag:
    async def test_the_backlog_is_measured_and_falls_to_zero(
        self,
        aggregator: AggregatorContainer,
        jetstream: JetStreamContext,
        learning_settings: ConsumerSettings,
        nats_url: str,
    ) -> None:
        for event in history(3):
            await publish(jetstream, learning_settings, event)
        seen: list[ConsumerLag] = []
        record = aggregator.metrics.record_lag

        def keep(lag: ConsumerLag) -> None:
            seen.append(lag)
            record(lag)

        consumer = DurableEventConsumer(
            nats_url,
            aggregator.rollups.fold,
            learning_settings,
            decoder=decode_learning,
            on_lag=keep,
        )
        async with running(consumer):
            await eventually(lambda: _falls_to_zero(seen), "lag back to zero")

        assert seen[0].pending == 12
        assert 'edu_consumer_pending{durable="' in aggregator.metrics.render()


async def _falls_to_zero(seen: list[ConsumerLag]) -> bool:
    await asyncio.sleep(0)
    return bool(seen) and seen[-1].behind == 0 and len(seen) > 1


class TestCourseOwnership:
    async def test_course_events_record_the_teacher_of_each_course(
        self,
        aggregator: AggregatorContainer,
        jetstream: JetStreamContext,
        course_settings: ConsumerSettings,
        committed_sessions: Sessions,
    ) -> None:
        course_id, teacher = str(uuid.uuid4()), str(uuid.uuid4())
        published = OutboxEvent.new(
            type="course.published",
            aggregate_id=course_id,
            version=2,
            payload={
                "course_id": course_id,
                "teacher_id": teacher,
                "title": "SQL",
                "lesson_ids": ["a"],
            },
            clock=SystemClock(),
        )
        await jetstream.publish(
            f"{course_settings.subject_prefix}.course.published", encode(published), timeout=5
        )

        async with running(aggregator.courses):
            await eventually(lambda: drained(jetstream, course_settings), "acknowledged")

        async with committed_sessions() as session:
            row = (await session.execute(select(course_owners))).one()
        assert (row.course_id, row.teacher_id, row.lesson_ids) == (course_id, teacher, ["a"])
