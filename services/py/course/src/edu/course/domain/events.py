"""What happened to a course that other services care about.

Each event carries a full snapshot of what enrollment needs (published state, title, lesson ids)
so a consumer can keep its read model by keeping the highest version it has seen, without
replaying history or caring about order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class CourseEventType(StrEnum):
    PUBLISHED = "course.published"
    UNPUBLISHED = "course.unpublished"
    # Title or lessons of a published course changed.
    UPDATED = "course.updated"


@dataclass(frozen=True)
class CourseEvent:
    type: CourseEventType
    course_id: UUID
    teacher_id: UUID
    title: str
    published: bool
    lesson_ids: tuple[UUID, ...]
    version: int

    def payload(self) -> dict[str, object]:
        return {
            "course_id": str(self.course_id),
            "teacher_id": str(self.teacher_id),
            "title": self.title,
            "published": self.published,
            "lesson_ids": [str(lesson_id) for lesson_id in self.lesson_ids],
            "lesson_count": len(self.lesson_ids),
        }
