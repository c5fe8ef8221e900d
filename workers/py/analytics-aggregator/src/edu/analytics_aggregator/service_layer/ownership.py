"""Course ownership from course's events, for analytics-api's authorization (ADR 0019).

course.published / course.updated / course.unpublished are full snapshots carrying the
teacher; the newest version wins, so duplicates and reordering are harmless without a
processed-event record.
"""

from __future__ import annotations

from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.service_layer.ports import UnitOfWorkFactory
from edu.events import DecodedEvent
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)

COURSE_EVENTS = ("course.published", "course.updated", "course.unpublished")


class CourseOwnership:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def record(self, event: DecodedEvent) -> bool:
        """Keep the course's owner, title and lessons; False for other events."""
        payload = event.payload
        if not isinstance(payload, CoursePublished | CourseUpdated | CourseUnpublished):
            return False
        owner = CourseOwner(
            payload.course_id,
            payload.teacher_id,
            payload.title,
            tuple(payload.lesson_ids),
            event.version,
        )
        async with self._uow() as uow:
            await uow.owners.merge(owner)
            await uow.commit()
        return True
