"""What the use cases read: the rollups and course ownership (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from edu.analytics_api.domain.figures import LessonCounts, SessionRow


@dataclass(frozen=True)
class OwnedCourse:
    course_id: str
    teacher_id: str
    title: str
    lesson_ids: tuple[str, ...]


class AnalyticsReader(Protocol):
    async def course(self, course_id: str) -> OwnedCourse | None: ...
    async def lesson_counts(self, course_id: str) -> list[LessonCounts]: ...
    async def sessions(self, course_id: str) -> list[SessionRow]: ...
    async def active_students(self, course_id: str, first: date, last: date) -> dict[date, int]:
        """Distinct active students per day between ``first`` and ``last`` (inclusive)."""
        ...

    async def ping(self) -> None:
        """Raise when the database cannot be reached (readiness)."""
        ...
