"""Enrollment domain events as outbox events (the JSON envelope other services consume)."""

from __future__ import annotations

from edu.common.clock import Clock
from edu.db.outbox import OutboxEvent
from edu.enrollment.domain.events import EnrollmentEvent


def to_outbox_event(event: EnrollmentEvent, clock: Clock) -> OutboxEvent:
    return OutboxEvent.new(
        type=event.type.value,
        # Named after the aggregate, not the first word of the type ("lesson.completed"), so
        # consumers order and deduplicate all four events per enrolment.
        aggregate="enrollment",
        aggregate_id=str(event.enrollment_id),
        version=event.version,
        payload=event.payload,
        clock=clock,
    )
