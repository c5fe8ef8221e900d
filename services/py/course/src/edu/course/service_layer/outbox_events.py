"""Course domain events as outbox events, built from the generated ``edu.events.v1`` messages.

The three carry the same snapshot; which message it travels in says whether the course is
published (``course.published``, ``course.updated``) or not (``course.unpublished``).
"""

from __future__ import annotations

from edu.common.clock import Clock
from edu.course.domain.events import CourseEvent, CourseEventType
from edu.db.outbox.event import OutboxEvent
from edu.proto_gen.events.v1 import course_events_pb2 as wire

_MESSAGES = {
    CourseEventType.PUBLISHED: wire.CoursePublished,
    CourseEventType.UNPUBLISHED: wire.CourseUnpublished,
    CourseEventType.UPDATED: wire.CourseUpdated,
}


def to_outbox_event(event: CourseEvent, clock: Clock) -> OutboxEvent:
    message = _MESSAGES[event.type](
        course_id=str(event.course_id),
        teacher_id=str(event.teacher_id),
        title=event.title,
        lesson_ids=[str(lesson_id) for lesson_id in event.lesson_ids],
        price=(
            wire.CoursePrice(
                currency_code=event.price.currency_code, amount_minor=event.price.amount_minor
            )
            if event.price
            else None
        ),
    )
    return OutboxEvent.new(
        type=event.type.value,
        aggregate_id=str(event.course_id),
        version=event.version,
        payload=message,
        clock=clock,
    )
