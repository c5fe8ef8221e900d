"""FakeAnalyticsClient: each course's figures in memory, shown only to the course's teacher
(another teacher's course and an unknown one are the same 404, a student 403, as analytics-api
answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from edu.auth.principal import TEACHER
from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.models import (
    ActiveDay,
    CourseFigures,
    DailyActivity,
    Funnel,
    LessonFigures,
)
from edu.web.testing.switch import Switchable, principal_of

TODAY = date(2026, 12, 5)
NO_SUCH_COURSE = ProblemError(404, "Not found", "No course with this id among yours.")


def lesson_figures(lesson_id: UUID, views: int = 0, **changes: object) -> LessonFigures:
    """A lesson's figures: ``views`` visits by as many students, none finished, unless changed."""
    figures = LessonFigures(
        lesson_id=lesson_id,
        views=views,
        viewers=views,
        funnel=Funnel(opened=views, past_halfway=0, finished=0),
        sessions=views,
        median_position_seconds=None,
        duration_seconds=0,
        drop_off=(),
    )
    return figures.model_copy(update=changes)


def last_30_days(course_id: UUID, counts: list[int] | None = None) -> DailyActivity:
    """30 days ending on TODAY, the given counts oldest first (zeros when none)."""
    counts = counts or [0] * 30
    first = TODAY - timedelta(days=len(counts) - 1)
    days = tuple(
        ActiveDay(day=first + timedelta(days=n), active_students=c) for n, c in enumerate(counts)
    )
    return DailyActivity(course_id=course_id, days=days)


@dataclass
class FakeAnalyticsClient(Switchable):
    verifier: TokenVerifier
    name: str = "analytics-api"
    owners: dict[UUID, UUID] = field(default_factory=dict)
    figures: dict[UUID, CourseFigures] = field(default_factory=dict)
    daily: dict[UUID, DailyActivity] = field(default_factory=dict)

    def record(
        self, teacher_id: UUID, figures: CourseFigures, daily: DailyActivity | None = None
    ) -> None:
        """What analytics-api would hold for a published course of ``teacher_id``."""
        self.owners[figures.course_id] = teacher_id
        self.figures[figures.course_id] = figures
        self.daily[figures.course_id] = daily or last_30_days(figures.course_id)

    def _owned(self, token: str, course_id: UUID) -> None:
        self.answer()
        principal = principal_of(self.verifier, token)
        if not principal.has_role(TEACHER):
            raise ProblemError(403, "Not allowed", "Only teachers see course analytics.")
        if self.owners.get(course_id) != principal.user_id:
            raise NO_SUCH_COURSE

    async def course_figures(self, token: str, course_id: UUID) -> CourseFigures:
        self._owned(token, course_id)
        return self.figures[course_id]

    async def daily_activity(self, token: str, course_id: UUID) -> DailyActivity:
        self._owned(token, course_id)
        return self.daily[course_id]
