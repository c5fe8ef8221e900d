"""Folding learning events into the rollups, each event exactly once.

The processed-event record is claimed first, in the same transaction as every rollup change
the event causes: a redelivered or duplicated event finds the record and changes nothing, and
a crash before the commit leaves no trace, so the redelivery does the work once.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from edu.analytics_aggregator.domain.progress import (
    Kind,
    Observation,
    SessionProgress,
    ViewerStages,
)
from edu.analytics_aggregator.service_layer.ports import AnalyticsUnitOfWork, UnitOfWorkFactory
from edu.common.clock import Clock
from edu.events.learning import DecodedLearningEvent
from edu.proto_gen.events.v1.learning_events_pb2 import (
    LessonFinished,
    LessonHeartbeat,
    LessonOpened,
    VideoPaused,
    VideoPlayed,
    VideoSeeked,
)

logger = logging.getLogger("edu.analytics_aggregator.folding")


class Outcome(StrEnum):
    FOLDED = "folded"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"  # recorded, but nothing to fold (outside a course, or an unknown type)


def observation_of(event: DecodedLearningEvent) -> Observation | None:
    """What ``event`` says for the rollups; None for events outside a course's lessons."""
    if not event.course_id:
        return None

    def seen(
        kind: Kind, lesson_id: str, position: int | None = None, duration: int = 0
    ) -> Observation:
        return Observation(
            kind,
            event.user_id,
            event.course_id,
            event.session_id,
            lesson_id,
            event.occurred_at,
            position,
            duration,
        )

    match event.payload:
        case LessonOpened(lesson_id=lesson):
            return seen(Kind.OPENED, lesson)
        case LessonHeartbeat():
            p = event.payload
            return seen(Kind.HEARTBEAT, p.lesson_id, p.position_seconds, p.duration_seconds)
        case LessonFinished(lesson_id=lesson):
            return seen(Kind.FINISHED, lesson)
        case VideoPlayed() | VideoPaused():
            return seen(Kind.POSITION, event.payload.lesson_id, event.payload.position_seconds)
        case VideoSeeked():
            return seen(Kind.POSITION, event.payload.lesson_id, event.payload.to_seconds)
    return seen(Kind.ACTIVITY, "")


class LearningRollups:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def fold(self, event: DecodedLearningEvent) -> Outcome:
        """Fold ``event`` into the rollups once; a second delivery changes nothing."""
        seen = observation_of(event)
        async with self._uow() as uow:
            if not await uow.processed.claim(event.id, event.type, self._clock.now()):
                logger.debug("skipping %s %s: already folded", event.type, event.id)
                return Outcome.DUPLICATE
            if seen is not None:
                await _apply(uow, seen)
            await uow.commit()
        return Outcome.IGNORED if seen is None else Outcome.FOLDED


async def _apply(uow: AnalyticsUnitOfWork, seen: Observation) -> None:
    await uow.days.mark_active(seen.course_id, seen.day, seen.user_id)
    if not seen.lesson_id:
        return
    if seen.kind is Kind.OPENED:
        await uow.lessons.count_view(seen.course_id, seen.lesson_id)
    if seen.kind is not Kind.POSITION:
        await uow.lessons.merge_viewer(ViewerStages.of(seen))
    if seen.session_id:
        await uow.lessons.merge_session(SessionProgress.of(seen))
