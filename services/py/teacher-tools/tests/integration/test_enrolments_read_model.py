"""The enrolments read model on real PostgreSQL, and fed by the durable consumer from real
NATS JetStream: figures per course, the same however often and in whatever order enrollment's
events come."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.events import encode
from edu.events.jetstream_consumer import ConsumerSettings
from edu.proto_gen.events.v1.enrollment_events_pb2 import CourseCompleted, EnrollmentCreated
from edu.teacher_tools.adapters.enrolments_sql import (
    SqlAlchemyTeacherToolsUnitOfWork,
    SqlEnrolmentFigures,
)
from edu.teacher_tools.domain.dashboard import EnrolmentFigures
from edu.teacher_tools.entrypoints.enrolment_events import (
    consumer_settings,
    enrolment_events_consumer,
)
from edu.teacher_tools.service_layer.enrolments import EnrolmentFact, Enrolments


def enrolments_over(sessions: async_sessionmaker[AsyncSession]) -> Enrolments:
    return Enrolments(lambda: SqlAlchemyTeacherToolsUnitOfWork(sessions))


class TestReadModel:
    async def test_counts_enrolled_and_completed_per_course(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        enrolments, course, other = enrolments_over(sessions), str(uuid4()), str(uuid4())
        for fact in (
            EnrolmentFact("e-1", course, completed=False),
            EnrolmentFact("e-2", course, completed=False),
            EnrolmentFact("e-3", course, completed=False),
            EnrolmentFact("e-1", course, completed=True),
            EnrolmentFact("e-1", course, completed=False),  # redelivered: undoes nothing
            EnrolmentFact("e-9", other, completed=True),  # completion before its enrolment
            EnrolmentFact("e-9", other, completed=False),
        ):
            await enrolments.record(fact)

        figures = await SqlEnrolmentFigures(sessions).figures([course, other, "nobody's"])

        assert figures == {
            course: EnrolmentFigures(3, 1),
            other: EnrolmentFigures(1, 1),
            "nobody's": EnrolmentFigures(0, 0),
        }


def namespaced(nats_namespace: str) -> ConsumerSettings:
    return consumer_settings(
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        dead_letter_prefix=f"{nats_namespace}.dlq.teacher-tools",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        fetch_timeout=0.2,
    )


@contextlib.asynccontextmanager
async def consuming(
    nats_url: str, enrolments: Enrolments, settings: ConsumerSettings
) -> AsyncIterator[None]:
    stop = asyncio.Event()
    running = asyncio.create_task(
        enrolment_events_consumer(nats_url, enrolments, settings).run(stop)
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)


async def settled(js: JetStreamContext, settings: ConsumerSettings, messages: int) -> None:
    async with asyncio.timeout(15):
        while True:
            with contextlib.suppress(Exception):  # the durable may not exist yet
                info = await js.consumer_info(settings.stream, settings.durable)
                if info.ack_floor.stream_seq >= messages and not info.num_ack_pending:
                    return
            await asyncio.sleep(0.05)


class TestFromTheBus:
    async def test_each_enrolment_counts_once_however_often_it_is_delivered(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        settings = namespaced(nats_namespace)
        js = nats_client.jetstream()
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        clock, course = FakeClock(), str(uuid4())
        first, second = str(uuid4()), str(uuid4())

        def created(enrollment_id: str) -> OutboxEvent:
            payload = EnrollmentCreated(
                enrollment_id=enrollment_id, student_id=str(uuid4()), course_id=course
            )
            return OutboxEvent.new(
                type="enrollment.created",
                aggregate_id=enrollment_id,
                version=1,
                payload=payload,
                clock=clock,
            )

        completed = OutboxEvent.new(
            type="course.completed",
            aggregate_id=first,
            version=2,
            payload=CourseCompleted(enrollment_id=first, student_id=str(uuid4()), course_id=course),
            clock=clock,
        )
        # the completion first, and every event twice, as a redelivering bus would hand them over
        events = (completed, created(first), created(second), completed, created(second))
        for event in events:
            await js.publish(f"{settings.subject_prefix}.{event.type}", encode(event))

        async with consuming(nats_url, enrolments_over(sessions), settings):
            await settled(js, settings, messages=len(events))

        figures = await SqlEnrolmentFigures(sessions).figures([course])
        assert figures[course] == EnrolmentFigures(2, 1)
