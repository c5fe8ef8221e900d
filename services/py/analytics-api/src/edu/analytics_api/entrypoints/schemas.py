"""What analytics-api answers, as JSON."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from edu.analytics_api.domain.figures import LessonFigures
from edu.analytics_api.service_layer.course_analytics import CourseSummary, DailyActivity


class FunnelOut(BaseModel):
    opened: int = Field(description="Distinct students who opened the lesson.")
    past_halfway: int = Field(description="Of all students, those who watched past half the video.")
    finished: int = Field(description="Distinct students who finished the lesson.")


class DropOffBucketOut(BaseModel):
    from_seconds: int
    to_seconds: int
    sessions: int = Field(description="Unfinished visits whose last position fell in the bucket.")


class LessonFiguresOut(BaseModel):
    lesson_id: str
    views: int = Field(description="Times the lesson was opened.")
    viewers: int = Field(description="Distinct students who opened it.")
    funnel: FunnelOut
    sessions: int = Field(description="Visits with at least one position reported.")
    median_position_seconds: float | None = Field(
        description="The median over visits of how far into the lesson a student got; null "
        "before any visit reported a position."
    )
    duration_seconds: int = Field(description="The video's length; 0 for a lesson without one.")
    drop_off: list[DropOffBucketOut]

    @classmethod
    def of(cls, figures: LessonFigures) -> LessonFiguresOut:
        c = figures.counts
        return cls(
            lesson_id=c.lesson_id,
            views=c.views,
            viewers=c.viewers,
            funnel=FunnelOut(opened=c.viewers, past_halfway=c.halfway, finished=c.finished),
            sessions=figures.sessions,
            median_position_seconds=figures.median_position_seconds,
            duration_seconds=figures.duration_seconds,
            drop_off=[
                DropOffBucketOut(
                    from_seconds=b.from_seconds, to_seconds=b.to_seconds, sessions=b.sessions
                )
                for b in figures.drop_off
            ],
        )


class CourseSummaryOut(BaseModel):
    course_id: str
    title: str
    lessons: list[LessonFiguresOut]

    @classmethod
    def of(cls, summary: CourseSummary) -> CourseSummaryOut:
        return cls(
            course_id=summary.course.course_id,
            title=summary.course.title,
            lessons=[LessonFiguresOut.of(lesson) for lesson in summary.lessons],
        )


class DayOut(BaseModel):
    day: date
    active_students: int


class DailyActivityOut(BaseModel):
    course_id: str
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    days: list[DayOut]

    model_config = {"populate_by_name": True}

    @classmethod
    def of(cls, activity: DailyActivity) -> DailyActivityOut:
        return cls.model_validate(
            {
                "course_id": activity.course_id,
                "from": activity.first,
                "to": activity.last,
                "days": [DayOut(day=d, active_students=n) for d, n in activity.days],
            }
        )


class ReadyOut(BaseModel):
    status: str = "ready"
