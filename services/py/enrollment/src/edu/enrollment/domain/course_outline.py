"""What enrollment knows about a course: whether it is published, its title and lesson ids."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from edu.common.problems import Conflict, NotFound


@dataclass(frozen=True)
class CourseOutline:
    """A snapshot of a course at ``version`` (the course aggregate's version).

    Snapshots only ever replace older ones, so it does not matter in which order they arrive.
    """

    course_id: UUID
    title: str
    published: bool
    lesson_ids: frozenset[UUID]
    version: int

    def ensure_open_for_enrollment(self) -> None:
        if not self.published:
            raise Conflict("This course is not open for enrolment.")

    def ensure_has_lesson(self, lesson_id: UUID) -> None:
        if lesson_id not in self.lesson_ids:
            raise NotFound("This lesson is not part of the course.")

    def is_newer_than(self, other: CourseOutline | None) -> bool:
        return other is None or self.version > other.version
