"""A teacher's figures for one of their courses.

Authorization: only teachers (403 otherwise), and only for a course they own. A course that
does not exist and a course of another teacher both answer 404 with the same words, so the
API never tells a teacher which course ids exist (ADR 0019).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from edu.analytics_api.domain.figures import LessonCounts, LessonFigures, SessionRow, lesson_figures
from edu.analytics_api.service_layer.ports import AnalyticsReader, OwnedCourse
from edu.auth.bearer import require_role
from edu.auth.principal import TEACHER, Principal
from edu.common.clock import Clock
from edu.common.problems import FieldProblem, InvalidInput, NotFound

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class CourseSummary:
    course: OwnedCourse
    lessons: tuple[LessonFigures, ...]


@dataclass(frozen=True)
class DailyActivity:
    course_id: str
    first: date
    last: date
    days: tuple[tuple[date, int], ...]


class CourseAnalytics:
    def __init__(self, reader: AnalyticsReader, clock: Clock) -> None:
        self._reader = reader
        self._clock = clock

    async def summary(self, principal: Principal, course_id: str) -> CourseSummary:
        """Per lesson, in the course's order: views, funnel, median position, drop-off."""
        course = await self._owned(principal, course_id)
        counts = {c.lesson_id: c for c in await self._reader.lesson_counts(course_id)}
        by_lesson: dict[str, list[SessionRow]] = defaultdict(list)
        for row in await self._reader.sessions(course_id):
            by_lesson[row.lesson_id].append(row)
        # The course's lessons first, in order; then lessons seen in events but since removed.
        order = list(course.lesson_ids) + sorted(
            (set(counts) | set(by_lesson)) - set(course.lesson_ids)
        )
        lessons = tuple(
            lesson_figures(counts.get(lesson, LessonCounts(lesson, 0, 0, 0, 0)), by_lesson[lesson])
            for lesson in order
        )
        return CourseSummary(course, lessons)

    async def daily(
        self, principal: Principal, course_id: str, first: date | None, last: date | None
    ) -> DailyActivity:
        """Active students per day from ``first`` to ``last`` (default: the last 30 days)."""
        last = last or self._clock.now().date()
        first = first or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            raise InvalidInput(
                "`from` must not be after `to`.",
                errors=[FieldProblem("from", f"{first} is after {last}")],
            )
        if (last - first).days + 1 > MAX_DAYS:
            raise InvalidInput(
                f"Ask for at most {MAX_DAYS} days at a time.",
                errors=[FieldProblem("to", f"{(last - first).days + 1} days from {first}")],
            )
        await self._owned(principal, course_id)
        counts = await self._reader.active_students(course_id, first, last)
        span = (last - first).days + 1
        days = tuple(
            (day, counts.get(day, 0)) for day in (first + timedelta(days=i) for i in range(span))
        )
        return DailyActivity(course_id, first, last, days)

    async def _owned(self, principal: Principal, course_id: str) -> OwnedCourse:
        require_role(principal, TEACHER)
        course = await self._reader.course(course_id)
        if course is None or course.teacher_id != str(principal.user_id):
            raise NotFound(f"No course {course_id} among the courses you teach.")
        return course
