"""A teacher's dashboard: one section per upstream, each either available or marked
unavailable with the reason, so one upstream down never hides what the others answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from edu.teacher_tools.domain.questions import Post

T = TypeVar("T")


class SectionStatus(StrEnum):
    AVAILABLE = "available"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Section(Generic[T]):
    """What one upstream said, or why it said nothing."""

    status: SectionStatus
    value: T | None = None
    reason: str | None = None

    @classmethod
    def of(cls, value: T) -> Section[T]:
        return cls(SectionStatus.AVAILABLE, value=value)

    @classmethod
    def unavailable(cls, reason: str) -> Section[T]:
        return cls(SectionStatus.UNAVAILABLE, reason=reason)

    @property
    def available(self) -> bool:
        return self.status is SectionStatus.AVAILABLE


@dataclass(frozen=True)
class CourseRef:
    """One of the teacher's courses, as course says."""

    id: str
    title: str
    status: str  # draft | published (course's words)
    ever_published: bool = False  # an unpublished course is a draft again, its Q&A kept

    @property
    def may_have_questions(self) -> bool:
        """Nobody enrols in a course never published, so it has no Q&A to read."""
        return self.ever_published or self.status == "published"


@dataclass(frozen=True)
class HeldItem:
    """A post or course title moderation holds for the teacher's decision."""

    id: str
    course_id: str
    kind: str  # question | answer | course
    subject_id: str
    author_id: str
    text: str
    submitted_at: datetime
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnrolmentFigures:
    """How many students enrolled in the course and how many completed it."""

    enrolled: int
    completed: int

    def __post_init__(self) -> None:
        if self.enrolled < 0 or not 0 <= self.completed <= self.enrolled:
            raise ValueError(f"impossible figures: {self.completed} of {self.enrolled} completed")

    @property
    def active(self) -> int:
        return self.enrolled - self.completed

    @property
    def completion_rate(self) -> float | None:
        """Completed over enrolled, 0..1; None before anyone enrolled."""
        return None if self.enrolled == 0 else round(self.completed / self.enrolled, 4)


@dataclass(frozen=True)
class QuestionsFound:
    """The unanswered questions of the posts read, and whether every post was read."""

    questions: Sequence[Post]
    complete: bool = True


@dataclass(frozen=True)
class CourseDashboard:
    course: CourseRef
    unanswered: Section[QuestionsFound]
    held: Section[Sequence[HeldItem]]
    enrolment: Section[EnrolmentFigures]


@dataclass(frozen=True)
class CourseOverview:
    """A line of the teacher's course list: the counts that say where to look first."""

    course: CourseRef
    unanswered: Section[int]
    held: Section[int]
    enrolment: Section[EnrolmentFigures]
