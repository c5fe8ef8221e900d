"""Response bodies of teacher-tools' HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from edu.teacher_tools.domain.dashboard import (
    CourseDashboard,
    CourseOverview,
    CourseRef,
    EnrolmentFigures,
    HeldItem,
    QuestionsFound,
    Section,
)
from edu.teacher_tools.domain.questions import Post

Status = Literal["available", "unavailable"]
_STATUS = Field(description="unavailable: the upstream did not answer; `reason` says why.")
_REASON = Field(description="Why the section is unavailable; null when it is available.")


class CourseOut(BaseModel):
    id: str
    title: str
    status: str = Field(description="course's status: draft or published.")

    @classmethod
    def of(cls, course: CourseRef) -> CourseOut:
        return cls(id=course.id, title=course.title, status=course.status)


class QuestionOut(BaseModel):
    id: str
    author_id: str
    body: str
    asked_at: datetime
    seq: int | None = Field(description="Its place in the course's Q&A feed.")

    @classmethod
    def of(cls, post: Post) -> QuestionOut:
        return cls(
            id=post.id,
            author_id=post.author_id,
            body=post.body,
            asked_at=post.created_at,
            seq=post.seq,
        )


class UnansweredOut(BaseModel):
    status: Status = _STATUS
    reason: str | None = _REASON
    count: int | None = Field(description="How many questions wait; null when unavailable.")
    complete: bool | None = Field(
        description="false: the history was longer than the pages read, older questions only."
    )
    questions: list[QuestionOut] = Field(description="Oldest first.")

    @classmethod
    def of(cls, section: Section[QuestionsFound]) -> UnansweredOut:
        found = section.value
        if found is None:
            return cls(
                status="unavailable", reason=section.reason, count=None, complete=None, questions=[]
            )
        return cls(
            status="available",
            reason=None,
            count=len(found.questions),
            complete=found.complete,
            questions=[QuestionOut.of(post) for post in found.questions],
        )


class HeldItemOut(BaseModel):
    id: str = Field(description="moderation's item id (decide it at /moderation/items/{id}).")
    kind: str = Field(description="question, answer or course.")
    subject_id: str = Field(description="The question's, answer's or course's own id.")
    author_id: str
    text: str
    submitted_at: datetime
    reasons: list[str] = Field(description="Why the rules held it (moderation's codes).")

    @classmethod
    def of(cls, item: HeldItem) -> HeldItemOut:
        return cls(
            id=item.id,
            kind=item.kind,
            subject_id=item.subject_id,
            author_id=item.author_id,
            text=item.text,
            submitted_at=item.submitted_at,
            reasons=list(item.reasons),
        )


class HeldOut(BaseModel):
    status: Status = _STATUS
    reason: str | None = _REASON
    count: int | None = Field(description="How many items are held; null when unavailable.")
    items: list[HeldItemOut] = Field(description="Oldest first.")

    @classmethod
    def of(cls, section: Section[Sequence[HeldItem]]) -> HeldOut:
        items = section.value
        if items is None:
            return cls(status="unavailable", reason=section.reason, count=None, items=[])
        return cls(
            status="available",
            reason=None,
            count=len(items),
            items=[HeldItemOut.of(item) for item in items],
        )


class FiguresOut(BaseModel):
    enrolled: int = Field(description="Students who enrolled.")
    completed: int = Field(description="Of them, those who completed every lesson.")
    active: int = Field(description="Enrolled and not completed yet.")
    completion_rate: float | None = Field(
        description="completed / enrolled (0..1); null before anyone enrolled."
    )

    @classmethod
    def of(cls, figures: EnrolmentFigures) -> FiguresOut:
        return cls(
            enrolled=figures.enrolled,
            completed=figures.completed,
            active=figures.active,
            completion_rate=figures.completion_rate,
        )


class EnrolmentOut(BaseModel):
    status: Status = _STATUS
    reason: str | None = _REASON
    figures: FiguresOut | None = Field(description="null when unavailable.")

    @classmethod
    def of(cls, section: Section[EnrolmentFigures]) -> EnrolmentOut:
        if section.value is None:
            return cls(status="unavailable", reason=section.reason, figures=None)
        return cls(status="available", reason=None, figures=FiguresOut.of(section.value))


class DashboardOut(BaseModel):
    course: CourseOut
    unanswered_questions: UnansweredOut
    held_items: HeldOut
    enrolment: EnrolmentOut

    @classmethod
    def of(cls, dashboard: CourseDashboard) -> DashboardOut:
        return cls(
            course=CourseOut.of(dashboard.course),
            unanswered_questions=UnansweredOut.of(dashboard.unanswered),
            held_items=HeldOut.of(dashboard.held),
            enrolment=EnrolmentOut.of(dashboard.enrolment),
        )


class CountOut(BaseModel):
    status: Status = _STATUS
    reason: str | None = _REASON
    count: int | None = Field(description="null when unavailable.")

    @classmethod
    def of(cls, section: Section[int]) -> CountOut:
        if section.value is None:
            return cls(status="unavailable", reason=section.reason, count=None)
        return cls(status="available", reason=None, count=section.value)


class CourseLineOut(BaseModel):
    course: CourseOut
    unanswered_questions: CountOut
    held_items: CountOut
    enrolment: EnrolmentOut

    @classmethod
    def of(cls, line: CourseOverview) -> CourseLineOut:
        return cls(
            course=CourseOut.of(line.course),
            unanswered_questions=CountOut.of(line.unanswered),
            held_items=CountOut.of(line.held),
            enrolment=EnrolmentOut.of(line.enrolment),
        )


class CoursesOut(BaseModel):
    courses: list[CourseLineOut] = Field(description="The caller's courses, as course lists them.")


class ReadyOut(BaseModel):
    status: Literal["ready"] = "ready"
