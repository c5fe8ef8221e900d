"""Course events on JetStream reach the read model through edu.events' durable consumer, and
travel from the course service's own relay to it as the generated protobuf type."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import cast
from uuid import UUID, uuid4

from fastapi import FastAPI
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.course.bootstrap import CourseContainer
from edu.course.domain.values import CourseDetails, LessonContent
from edu.db.outbox import JetStreamPublisher, OutboxEvent
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.entrypoints.course_events import consumer_settings, course_events_consumer
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.testing import FakeCourseDirectory
from edu.events import decode, encode
from edu.events.jetstream_consumer import ConsumerSettings
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)


def namespaced(nats_namespace: str) -> ConsumerSettings:
    return consumer_settings(
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        durable="outlines",
        dead_letter_prefix=f"{nats_namespace}.dlq.enrollment",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        fetch_timeout=0.2,
    )


Snapshot = type[CoursePublished] | type[CourseUnpublished] | type[CourseUpdated]
TEACHER = uuid4()


def snapshot(kind: str, course_id: str, version: int, message: Snapshot) -> OutboxEvent:
    payload = message(course_id=course_id, title=f"Pottery v{version}", lesson_ids=[str(uuid4())])
    return OutboxEvent.new(
        type=kind, aggregate_id=course_id, version=version, payload=payload, clock=FakeClock()
    )


@contextlib.asynccontextmanager
async def consuming(
    nats_url: str, sessions: async_sessionmaker[AsyncSession], settings: ConsumerSettings
) -> AsyncIterator[None]:
    courses = CourseInformation(
        lambda: SqlAlchemyEnrollmentUnitOfWork(sessions), FakeCourseDirectory()
    )
    stop = asyncio.Event()
    running = asyncio.create_task(course_events_consumer(nats_url, courses, settings).run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)


async def settled(js: JetStreamContext, settings: ConsumerSettings, messages: int) -> None:
    """Until the consumer has acknowledged ``messages`` (the read model shares the test's
    connection, so the test must not query it while the consumer may be writing)."""
    async with asyncio.timeout(15):
        while True:
            with contextlib.suppress(Exception):  # the durable may not exist yet
                info = await js.consumer_info(settings.stream, settings.durable)
                if info.ack_floor.stream_seq >= messages and not info.num_ack_pending:
                    return
            await asyncio.sleep(0.05)


class TestCourseEventsConsumer:
    async def test_the_newest_snapshot_wins_and_junk_is_dead_lettered(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        settings = namespaced(nats_namespace)
        js = nats_client.jetstream()
        await js.add_stream(name=settings.stream, subjects=[f"{settings.subject_prefix}.>"])
        course_id = str(uuid4())
        for event in (
            snapshot("course.published", course_id, 2, CoursePublished),
            snapshot("course.unpublished", course_id, 3, CourseUnpublished),
            snapshot("course.updated", course_id, 1, CourseUpdated),  # late and stale
        ):
            await js.publish(f"{settings.subject_prefix}.{event.type}", encode(event))
        await js.publish(f"{settings.subject_prefix}.course.published", b"not json at all")

        async with consuming(nats_url, sessions, settings):
            await settled(js, settings, messages=4)

        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as reader:
            outline = await reader.outlines.get(UUID(course_id))
        assert outline is not None
        assert (outline.version, outline.published, outline.title) == (3, False, "Pottery v3")
        dead = await js.stream_info(settings.dead_letter_stream)
        assert dead.state.messages == 1


class TestFromCourseToEnrollment:
    async def test_course_published_by_courses_relay_lands_in_enrollments_read_model(
        self,
        course_app_factory: Callable[..., FastAPI],
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        settings = namespaced(nats_namespace)
        js = nats_client.jetstream()
        course_app = course_app_factory(
            JetStreamPublisher(
                nats_url, stream=settings.stream, subject_prefix=settings.subject_prefix
            )
        )
        authoring = cast(CourseContainer, course_app.state.course).authoring

        async with course_app.router.lifespan_context(course_app):  # runs course's relay
            course = await authoring.create_course(TEACHER, CourseDetails("Ceramics"))
            for title in ("Clay", "Kiln"):
                await authoring.add_lesson(TEACHER, course.id, LessonContent(title))
            course = await authoring.publish(TEACHER, course.id)
            async with consuming(nats_url, sessions, settings):
                await settled(js, settings, messages=1)

        subscription = await js.pull_subscribe("", stream=settings.stream)
        [on_the_wire] = await subscription.fetch(1, timeout=2)
        assert "course_published" in json.loads(on_the_wire.data)
        assert decode(on_the_wire.data).payload == CoursePublished(
            course_id=str(course.id),
            teacher_id=str(TEACHER),
            title="Ceramics",
            lesson_ids=[str(lesson_id) for lesson_id in course.lesson_ids],
        )
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as reader:
            outline = await reader.outlines.get(course.id)
        assert outline == CourseOutline(
            course.id, "Ceramics", True, frozenset(course.lesson_ids), course.version
        )
