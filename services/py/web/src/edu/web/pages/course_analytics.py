"""A teacher's figures for one course: per lesson views, students, the opened -> past halfway
-> finished funnel, the median position and where unfinished visits stopped, and active
students per day for the last 30 days as a chart (analytics-api, ADR 0019)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import CourseFigures, DailyActivity, LessonFigures
from edu.web.pages.charts import DASH, daily_bars, duration
from edu.web.pages.deps import TeacherDep, WebDep
from edu.web.pages.rendering import render

# Included by the course editor's router (/teach/courses/{course_id}).
router = APIRouter()


@dataclass(frozen=True)
class LessonRow:
    title: str
    figures: LessonFigures

    @property
    def median(self) -> str:
        return duration(self.figures.median_position_seconds)

    @property
    def stopped_most(self) -> str:
        """Where most unfinished visits stopped, e.g. "2:00 to 3:00 (4 visits)" written with an
        en dash; "" when none."""
        buckets = [b for b in self.figures.drop_off if b.sessions]
        if not buckets:
            return ""
        worst = max(buckets, key=lambda b: b.sessions)
        visits = f"{worst.sessions} visit{'s' if worst.sessions != 1 else ''}"
        return f"{duration(worst.from_seconds)}{DASH}{duration(worst.to_seconds)} ({visits})"

    def share(self, count: int) -> int:
        """``count`` as a percentage of the students who opened the lesson."""
        opened = self.figures.funnel.opened
        return round(100 * count / opened) if opened else 0


@router.get("/analytics", response_class=HTMLResponse)
async def course_analytics(
    request: Request, course_id: UUID, wired: WebDep, who: TeacherDep
) -> HTMLResponse:
    """How students use the course: a chart of active students per day and figures per lesson."""
    course = await wired.course.teaching_course(who.token, course_id)
    figures: CourseFigures | None
    daily: DailyActivity | None
    try:
        figures = await wired.analytics.course_figures(who.token, course_id)
        daily = await wired.analytics.daily_activity(who.token, course_id)
    except ProblemError as problem:
        if problem.status != 404:
            raise
        # analytics-api learns a course when it is published (ADR 0019): nothing to show yet.
        figures, daily = None, None
    titles = {lesson.id: lesson.title for lesson in course.lessons}
    rows = [
        LessonRow(titles.get(f.lesson_id, "A lesson no longer in the course"), f)
        for f in (figures.lessons if figures else ())
    ]
    chart = daily_bars([(d.day, d.active_students) for d in daily.days]) if daily else None
    active = any(row.figures.views for row in rows) or bool(chart and chart.total)
    return await render(
        request, "course_analytics.html", course=course, rows=rows, chart=chart, active=active
    )
