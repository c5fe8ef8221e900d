"""Course events on JetStream reach the read model through the durable consumer."""

from __future__ import annotations

import asyncio
import contextlib
from uuid import UUID, uuid4

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.db.outbox import OutboxEvent
from edu.enrollment.adapters.fakes import FakeCourseDirectory
from edu.enrollment.adapters.unit_of_work import EnrollmentSqlAlchemyUnitOfWork
from edu.enrollment.entrypoints.course_events import CourseEventsConsumer
from edu.enrollment.service_layer.course_information import CourseInformation


def snapshot(kind: str, course_id: str, version: int, *, published: bool) -> OutboxEvent:
    payload = {
        "course_id": course_id,
        "teacher_id": str(uuid4()),
        "title": f"Pottery v{version}",
        "published": published,
        "lesson_ids": [str(uuid4())],
        "lesson_count": 1,
    }
    return OutboxEvent.new(
        type=kind, aggregate_id=course_id, version=version, payload=payload, clock=FakeClock()
    )


class TestCourseEventsConsumer:
    async def test_published_and_unpublished_events_leave_the_newest_snapshot(
        self,
        nats_url: str,
        nats_client: NatsClient,
        nats_namespace: str,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        stream, prefix, durable = f"{nats_namespace}_EVENTS", f"{nats_namespace}.events", "outlines"
        js = nats_client.jetstream()
        await js.add_stream(name=stream, subjects=[f"{prefix}.>"])
        course_id = str(uuid4())
        for event in (
            snapshot("course.published", course_id, 2, published=True),
            snapshot("course.unpublished", course_id, 3, published=False),
            snapshot("course.updated", course_id, 1, published=True),  # late and stale
        ):
            await js.publish(f"{prefix}.{event.type}", event.to_json().encode())
        await js.publish(f"{prefix}.course.published", b"not json at all")

        def uow() -> EnrollmentSqlAlchemyUnitOfWork:
            return EnrollmentSqlAlchemyUnitOfWork(sessions)

        courses = CourseInformation(uow, FakeCourseDirectory())
        consumer = CourseEventsConsumer(
            nats_url,
            courses,
            stream=stream,
            subject_prefix=prefix,
            durable=durable,
            fetch_timeout=0.2,
        )
        stop = asyncio.Event()
        running = asyncio.create_task(consumer.run(stop))
        try:
            async with asyncio.timeout(10):
                while True:
                    await asyncio.sleep(0.05)
                    with contextlib.suppress(NotFoundError):  # not created yet
                        info = await js.consumer_info(stream, durable)
                        if info.delivered.stream_seq == 4 and not info.num_ack_pending:
                            break
        finally:
            stop.set()
            await running
        async with uow() as reader:
            outline = await reader.outlines.get(UUID(course_id))
        assert outline is not None
        assert (outline.version, outline.published, outline.title) == (3, False, "Pottery v3")
