"""In-memory stand-ins for analytics-api's ports, for tests. Not shipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from edu.analytics_api.domain.figures import LessonCounts, SessionRow
from edu.analytics_api.service_layer.ports import OwnedCourse


@dataclass
class FakeAnalyticsReader:
    courses: dict[str, OwnedCourse] = field(default_factory=dict)
    counts: dict[str, list[LessonCounts]] = field(default_factory=dict)
    session_rows: dict[str, list[SessionRow]] = field(default_factory=dict)
    active: dict[tuple[str, date], int] = field(default_factory=dict)
    reachable: bool = True

    async def course(self, course_id: str) -> OwnedCourse | None:
        return self.courses.get(course_id)

    async def lesson_counts(self, course_id: str) -> list[LessonCounts]:
        return list(self.counts.get(course_id, []))

    async def sessions(self, course_id: str) -> list[SessionRow]:
        return list(self.session_rows.get(course_id, []))

    async def active_students(self, course_id: str, first: date, last: date) -> dict[date, int]:
        return {d: n for (c, d), n in self.active.items() if c == course_id and first <= d <= last}

    async def ping(self) -> None:
        if not self.reachable:
            raise ConnectionRefusedError("fake database down")
