"""Course domain events as outbox events (the JSON envelope other services consume)."""

from __future__ import annotations

from edu.common.clock import Clock
from edu.course.domain.events import CourseEvent
from edu.db.outbox import OutboxEvent


def to_outbox_event(event: CourseEvent, clock: Clock) -> OutboxEvent:
    return OutboxEvent.new(
        type=event.type.value,
        aggregate_id=str(event.course_id),
        version=event.version,
        payload=event.payload(),
        clock=clock,
    )
