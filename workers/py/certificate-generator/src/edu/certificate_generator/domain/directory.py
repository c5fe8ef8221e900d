"""What the worker knows of people and courses, from identity's and course's events."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class Person:
    user_id: UUID
    email: str


@dataclass(frozen=True)
class CourseCard:
    """A course's title and teacher as its newest event said them."""

    course_id: UUID
    title: str
    teacher_id: UUID
    version: int

    def join(self, other: CourseCard) -> CourseCard:
        """The newer snapshot (course events may arrive twice or out of order)."""
        return other if other.version > self.version else self
