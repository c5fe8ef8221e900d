"""Seeding learning events: each planned event folded by analytics-aggregator's own use case
(``LearningRollups.fold``), in-process: no event-ingestion, no NATS.

Event and session ids are UUIDv5 of the student's real id and the plan's key, so the same
history gets the same ids on every run: the aggregator's processed-event record recognises
them and a second run adds nothing (the use case answers ``duplicate``). A student's events are
folded in order, students in parallel, as the aggregator's consumer would see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from itertools import groupby
from uuid import UUID, uuid5

from google.protobuf.message import Message

from edu.analytics_aggregator.service_layer.folding import Outcome
from edu.events.learning import DecodedLearningEvent
from edu.proto_gen.events.v1.learning_events_pb2 import (
    LessonFinished,
    LessonHeartbeat,
    LessonOpened,
    SearchPerformed,
    VideoPaused,
    VideoPlayed,
)
from edu.seed import learning
from edu.seed.courses import SeededCourse
from edu.seed.learning import LearningEventSpec
from edu.seed.report import SeedReport, in_parallel
from edu.seed.targets import SeedTargets

# The namespace of the seed's event and session ids (any fixed UUID; this one is the seed's).
SEED_EVENTS = UUID("6f1d2c1e-2a57-4d0c-9a43-51d0c5e3a021")
# What event-ingestion would have stamped: the event arrived a moment after it happened.
ARRIVAL = timedelta(seconds=1)


async def seed_learning_events(
    targets: SeedTargets,
    history: Sequence[LearningEventSpec],
    student_ids: dict[int, UUID],
    courses: dict[int, SeededCourse],
    report: SeedReport,
    limit: int,
) -> None:
    rollups = targets.learning
    if rollups is None:
        return
    by_student = [list(group) for _, group in groupby(history, key=lambda e: e.student_index)]

    async def one_student(planned: list[LearningEventSpec]) -> None:
        user = student_ids[planned[0].student_index]
        for spec in planned:
            outcome = await rollups.fold(learning_event(spec, user, courses))
            report.learning_events.count(created=outcome is not Outcome.DUPLICATE)

    await in_parallel(limit, by_student, one_student)


def learning_event(
    spec: LearningEventSpec, user_id: UUID, courses: dict[int, SeededCourse]
) -> DecodedLearningEvent:
    """``spec`` as the aggregator's consumer decodes it, with the seeded ids filled in."""
    course = courses[spec.course_index] if spec.course_index is not None else None
    lesson = ""
    if course is not None and spec.lesson_position is not None:
        lesson = str(course.lesson_ids[spec.lesson_position])
    return DecodedLearningEvent(
        id=uuid5(SEED_EVENTS, f"{user_id}/{spec.key}"),
        type=spec.type,
        user_id=str(user_id),
        course_id=str(course.id) if course is not None else "",
        session_id=str(uuid5(SEED_EVENTS, f"{user_id}/{spec.session}")) if spec.session else "",
        occurred_at=spec.occurred_at,
        received_at=spec.occurred_at + ARRIVAL,
        payload=_payload(spec, lesson),
    )


def _payload(spec: LearningEventSpec, lesson: str) -> Message:
    position = spec.position or 0
    match spec.type:
        case learning.OPENED:
            return LessonOpened(lesson_id=lesson)
        case learning.HEARTBEAT:
            return LessonHeartbeat(
                lesson_id=lesson,
                position_seconds=position,
                duration_seconds=spec.duration,
                active_seconds=spec.active,
            )
        case learning.FINISHED:
            return LessonFinished(lesson_id=lesson, active_seconds=spec.active)
        case learning.PLAYED:
            return VideoPlayed(lesson_id=lesson, position_seconds=position)
        case learning.PAUSED:
            return VideoPaused(lesson_id=lesson, position_seconds=position)
        case learning.SEARCHED:
            return SearchPerformed(query=spec.query, results=spec.results)
    raise ValueError(f"the seed plans no {spec.type!r} events")
