"""What happened to a course that other services care about.

Each event carries a full snapshot of what enrollment needs (title, lesson ids; published or
not follows from the type) so a consumer can keep its read model by keeping the highest version
it has seen, without replaying history or caring about order. On the wire they are the
``edu.events.v1`` messages (service_layer/outbox_events.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from edu.course.domain.price import Price


class CourseEventType(StrEnum):
    PUBLISHED = "course.published"
    UNPUBLISHED = "course.unpublished"
    # Title, lessons or price of a published course changed.
    UPDATED = "course.updated"


@dataclass(frozen=True)
class CourseEvent:
    type: CourseEventType
    course_id: UUID
    teacher_id: UUID
    title: str
    lesson_ids: tuple[UUID, ...]
    version: int
    price: Price | None = None
