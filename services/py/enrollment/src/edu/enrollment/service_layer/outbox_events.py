"""Enrollment domain events as outbox events, built from the generated ``edu.events.v1`` messages."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message

from edu.common.clock import Clock
from edu.db.outbox.event import OutboxEvent
from edu.enrollment.domain.events import EnrollmentEvent, EnrollmentEventType
from edu.proto_gen.events.v1 import enrollment_events_pb2 as wire

T = TypeVar("T")


def to_outbox_event(event: EnrollmentEvent, clock: Clock) -> OutboxEvent:
    return OutboxEvent.new(
        type=event.type.value,
        # Named after the aggregate, not the first word of the type ("lesson.completed"), so
        # consumers order and deduplicate all four events per enrolment.
        aggregate="enrollment",
        aggregate_id=str(event.enrollment_id),
        version=event.version,
        payload=payload(event),
        clock=clock,
    )


def payload(event: EnrollmentEvent) -> Message:
    """The contract's message for ``event``."""
    enrollment_id, student_id, course_id = (
        str(event.enrollment_id),
        str(event.student_id),
        str(event.course_id),
    )
    match event.type:
        case EnrollmentEventType.CREATED:
            return wire.EnrollmentCreated(
                enrollment_id=enrollment_id, student_id=student_id, course_id=course_id
            )
        case EnrollmentEventType.LESSON_COMPLETED:
            return wire.LessonCompleted(
                enrollment_id=enrollment_id,
                student_id=student_id,
                course_id=course_id,
                lesson_id=str(_given(event.lesson_id, event)),
                progress_percent=_given(event.progress_percent, event),
            )
        case EnrollmentEventType.COURSE_COMPLETED:
            return wire.CourseCompleted(
                enrollment_id=enrollment_id, student_id=student_id, course_id=course_id
            )
        case EnrollmentEventType.CERTIFICATE_ISSUED:
            return wire.CertificateIssued(
                certificate_id=str(_given(event.certificate_id, event)),
                enrollment_id=enrollment_id,
                student_id=student_id,
                course_id=course_id,
                verification_code=_given(event.verification_code, event),
            )


def _given(value: T | None, event: EnrollmentEvent) -> T:
    """A field ``event.type`` always carries (the domain sets it); never sent as "None"."""
    if value is None:
        raise ValueError(f"a {event.type} event lacks a field its contract needs: {event!r}")
    return value
