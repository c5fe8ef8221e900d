"""Texts to moderate, from events, through edu.events' durable consumer.

``qa.question_posted`` and ``qa.answer_posted`` (messaging) bring posts; ``course.published``
and ``course.updated`` (course) bring a course's title and its teacher, ``course.unpublished``
only the teacher (who may review the course's held items). Delivery is at-least-once:
``Submissions`` keys each item by the event's id, so a redelivery decides nothing twice. Bytes
that are no envelope are dead-lettered at once, a payload missing its ids after
``max_deliveries``; a database outage is retried for as long as it lasts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from edu.events import DecodedEvent
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.service_layer.submissions import (
    CourseSnapshot,
    Result,
    Submission,
    Submissions,
)
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)
from edu.proto_gen.events.v1.qa_events_pb2 import QaAnswerPosted, QaQuestionPosted

CONTENT_EVENTS = (
    "qa.question_posted",
    "qa.answer_posted",
    "course.published",
    "course.updated",
    "course.unpublished",
)
DURABLE_NAME = "moderation-content"
DEAD_LETTER_PREFIX = "dlq.moderation"
# The database being unreachable is nobody's fault: redeliver, never dead-letter. A unique
# violation means a twin delivery of the same event committed first: the redelivery finds it.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    OperationalError,
    InterfaceError,
    IntegrityError,
)


def submission_from_event(event: DecodedEvent) -> Submission | None:
    """The text ``event`` brings to moderate; None when it brings none.

    Raises ValueError when an id the item needs is missing (the message is at fault).
    """
    payload = event.payload
    match payload:
        case QaQuestionPosted():
            kind, subject, course, author = (
                ItemKind.QUESTION,
                payload.question_id,
                payload.course_id,
                payload.author_id,
            )
            text, version = payload.body, 0
        case QaAnswerPosted():
            kind, subject, course, author = (
                ItemKind.ANSWER,
                payload.answer_id,
                payload.course_id,
                payload.author_id,
            )
            text, version = payload.body, 0
        case CoursePublished() | CourseUpdated():
            kind, subject, course, author = (
                ItemKind.COURSE,
                payload.course_id,
                payload.course_id,
                payload.teacher_id,
            )
            text, version = payload.title, event.version
        case _:
            return None
    if not (subject and course and author):
        raise ValueError(f"{event.type} {event.id} lacks the item's, course's or author's id")
    return Submission(
        event_id=event.id,
        kind=kind,
        subject_id=subject,
        course_id=course,
        author_id=author,
        text=text,
        posted_at=event.occurred_at,
        subject_version=version,
    )


def owner_from_event(event: DecodedEvent) -> CourseSnapshot | None:
    payload = event.payload
    if isinstance(payload, CoursePublished | CourseUpdated | CourseUnpublished):
        if not (payload.course_id and payload.teacher_id):
            raise ValueError(f"{event.type} {event.id} lacks the course's or teacher's id")
        return CourseSnapshot(payload.course_id, payload.teacher_id, event.version)
    return None


class ContentEventHandler:
    """Moderates what an event brings; the result says whether it was new."""

    def __init__(self, submissions: Submissions) -> None:
        self._submissions = submissions

    async def __call__(self, event: DecodedEvent) -> Result | None:
        owner = owner_from_event(event)
        submission = submission_from_event(event)
        if submission is not None:
            result, _ = await self._submissions.moderate(submission, owner)
            return result
        if owner is not None:
            await self._submissions.remember_owner(owner)
        return None


def consumer_settings(**overrides: Any) -> ConsumerSettings:
    """The durable consumer of the content events; tests override stream, prefix and timings."""
    defaults = ConsumerSettings(
        durable=DURABLE_NAME, event_types=CONTENT_EVENTS, dead_letter_prefix=DEAD_LETTER_PREFIX
    )
    return dataclasses.replace(defaults, **overrides)


def content_events_consumer(
    nats_url: str, submissions: Submissions, settings: ConsumerSettings | None = None
) -> DurableEventConsumer[DecodedEvent]:
    return DurableEventConsumer(
        nats_url,
        ContentEventHandler(submissions),
        settings or consumer_settings(),
        transient=TRANSIENT_ERRORS,
    )
