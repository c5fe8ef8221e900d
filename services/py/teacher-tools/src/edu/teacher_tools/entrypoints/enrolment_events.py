"""The enrolments read model's feed: ``enrollment.created`` and ``course.completed`` from
enrollment, through edu.events' durable consumer (at-least-once; the upserts make a
redelivery change nothing). Bytes that are no envelope are dead-lettered at once, a payload
missing its ids after ``max_deliveries``; a database outage is retried for as long as it lasts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from edu.events import DecodedEvent
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.proto_gen.events.v1.enrollment_events_pb2 import CourseCompleted, EnrollmentCreated
from edu.teacher_tools.service_layer.enrolments import EnrolmentFact, Enrolments

ENROLMENT_EVENTS = ("enrollment.created", "course.completed")
DURABLE_NAME = "teacher-tools"
DEAD_LETTER_PREFIX = "dlq.teacher-tools"
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)


def fact_from_event(event: DecodedEvent) -> EnrolmentFact | None:
    """What ``event`` says about an enrolment; None for any other event."""
    payload = event.payload
    if isinstance(payload, EnrollmentCreated | CourseCompleted):
        return EnrolmentFact(
            enrollment_id=payload.enrollment_id,
            course_id=payload.course_id,
            completed=isinstance(payload, CourseCompleted),
        )
    return None


class EnrolmentEventHandler:
    def __init__(self, enrolments: Enrolments) -> None:
        self._enrolments = enrolments

    async def __call__(self, event: DecodedEvent) -> None:
        fact = fact_from_event(event)
        if fact is not None:
            await self._enrolments.record(fact)


def consumer_settings(**overrides: Any) -> ConsumerSettings:
    """The durable consumer of the enrolment events; tests override stream, prefix, timings."""
    defaults = ConsumerSettings(
        durable=DURABLE_NAME, event_types=ENROLMENT_EVENTS, dead_letter_prefix=DEAD_LETTER_PREFIX
    )
    return dataclasses.replace(defaults, **overrides)


def enrolment_events_consumer(
    nats_url: str, enrolments: Enrolments, settings: ConsumerSettings | None = None
) -> DurableEventConsumer[DecodedEvent]:
    return DurableEventConsumer(
        nats_url,
        EnrolmentEventHandler(enrolments),
        settings or consumer_settings(),
        transient=TRANSIENT_ERRORS,
    )
