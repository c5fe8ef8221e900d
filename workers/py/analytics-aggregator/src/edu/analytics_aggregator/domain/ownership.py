"""Who owns a course, as course's events say: the snapshot with the highest version wins."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CourseOwner:
    course_id: str
    teacher_id: str
    title: str
    lesson_ids: tuple[str, ...]
    version: int

    def join(self, other: CourseOwner) -> CourseOwner:
        """The newer snapshot (course events may arrive out of order or twice)."""
        return other if other.version > self.version else self
