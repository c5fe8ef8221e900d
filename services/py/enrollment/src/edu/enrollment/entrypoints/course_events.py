"""Course events feeding the read model (ADR 0004), through edu.events' durable consumer.

Each of ``course.published``, ``course.unpublished`` and ``course.updated`` carries a full
snapshot as its generated ``edu.events.v1`` message; whether the course is open follows from
which message it is. Delivery is at-least-once and in any order: the read model keeps the
highest version, so a replayed or stale snapshot changes nothing and no processed-events table
is needed. What the consumer does with failures (ADR 0007): bytes that are no envelope are
dead-lettered at once, a snapshot that cannot be read (an id that is no UUID) after
``max_deliveries``, and a database outage is retried for as long as it lasts.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from uuid import UUID

from sqlalchemy.exc import InterfaceError, OperationalError

from edu.enrollment.domain.course_outline import CourseOutline, CoursePrice
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.events import DecodedEvent
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)

COURSE_EVENTS = ("course.published", "course.unpublished", "course.updated")
DURABLE_NAME = "enrollment-course-outlines"
DEAD_LETTER_PREFIX = "dlq.enrollment"
# The database being unreachable is nobody's fault: redeliver, never dead-letter.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)

Snapshot = CoursePublished | CourseUnpublished | CourseUpdated


def outline_from_event(event: DecodedEvent) -> CourseOutline | None:
    """The course snapshot ``event`` carries; None for any other event.

    Raises ValueError when an id in the snapshot is no UUID (the message is at fault).
    """
    payload = event.payload
    if not isinstance(payload, Snapshot):
        return None
    return CourseOutline(
        course_id=UUID(payload.course_id),
        title=payload.title,
        published=not isinstance(payload, CourseUnpublished),
        lesson_ids=frozenset(UUID(lesson_id) for lesson_id in payload.lesson_ids),
        version=event.version,
        price=CoursePrice.of(payload.price.currency_code, payload.price.amount_minor),
    )


class CourseEventHandler:
    """Stores each course snapshot in the read model; True when it was newer than the known one."""

    def __init__(self, courses: CourseInformation) -> None:
        self._courses = courses

    async def __call__(self, event: DecodedEvent) -> bool:
        outline = outline_from_event(event)
        return outline is not None and await self._courses.remember(outline)


def consumer_settings(**overrides: Any) -> ConsumerSettings:
    """The durable consumer of the course events; tests override stream, prefix and timings."""
    defaults = ConsumerSettings(
        durable=DURABLE_NAME, event_types=COURSE_EVENTS, dead_letter_prefix=DEAD_LETTER_PREFIX
    )
    return dataclasses.replace(defaults, **overrides)


def course_events_consumer(
    nats_url: str, courses: CourseInformation, settings: ConsumerSettings | None = None
) -> DurableEventConsumer[DecodedEvent]:
    return DurableEventConsumer(
        nats_url,
        CourseEventHandler(courses),
        settings or consumer_settings(),
        transient=TRANSIENT_ERRORS,
    )
