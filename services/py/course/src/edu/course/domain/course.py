"""The Course aggregate: a teacher's course, its ordered lessons and its publication state.

Every change goes through a method here, bumps ``version`` (the optimistic-lock and event
version) and, when other services care, records a :class:`CourseEvent` in ``events``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from edu.common.problems import Conflict, InvalidInput, NotFound, PermissionDenied
from edu.course.domain.events import CourseEvent, CourseEventType
from edu.course.domain.price import Price
from edu.course.domain.values import CourseDetails, LessonContent

LESSONS_MAX = 200


class CourseStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


@dataclass
class Lesson:
    id: UUID
    content: LessonContent


@dataclass(eq=False)
class Course:
    id: UUID
    teacher_id: UUID
    details: CourseDetails
    created_at: datetime
    updated_at: datetime
    status: CourseStatus = CourseStatus.DRAFT
    lessons: list[Lesson] = field(default_factory=list)
    published_at: datetime | None = None
    version: int = 1
    # None: the course is free.
    price: Price | None = None
    events: list[CourseEvent] = field(default_factory=list, repr=False)

    @classmethod
    def create(
        cls,
        *,
        teacher_id: UUID,
        details: CourseDetails,
        now: datetime,
        course_id: UUID | None = None,
    ) -> Course:
        return cls(course_id or uuid4(), teacher_id, details, created_at=now, updated_at=now)

    @property
    def is_published(self) -> bool:
        return self.status is CourseStatus.PUBLISHED

    @property
    def is_free(self) -> bool:
        return self.price is None

    @property
    def lesson_ids(self) -> tuple[UUID, ...]:
        return tuple(lesson.id for lesson in self.lessons)

    def ensure_owned_by(self, teacher_id: UUID) -> None:
        if teacher_id != self.teacher_id:
            raise PermissionDenied("Only the teacher who owns this course may change it.")

    def lesson(self, lesson_id: UUID) -> Lesson:
        for lesson in self.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise NotFound("This course has no lesson with that id.")

    def edit(self, details: CourseDetails, now: datetime) -> None:
        title_changed = details.title != self.details.title
        self.details = details
        self._changed(now, notify=title_changed)

    def set_price(self, price: Price | None, now: datetime) -> None:
        """Make the course cost ``price``, or free with None; enrolments already made stay."""
        if price == self.price:
            return
        self.price = price
        self._changed(now, notify=True)

    def add_lesson(
        self, content: LessonContent, now: datetime, lesson_id: UUID | None = None
    ) -> Lesson:
        if len(self.lessons) >= LESSONS_MAX:
            raise Conflict(f"A course holds at most {LESSONS_MAX} lessons.")
        lesson = Lesson(lesson_id or uuid4(), content)
        self.lessons.append(lesson)
        self._changed(now, notify=True)
        return lesson

    def edit_lesson(self, lesson_id: UUID, content: LessonContent, now: datetime) -> Lesson:
        lesson = self.lesson(lesson_id)
        lesson.content = content
        self._changed(now, notify=False)
        return lesson

    def remove_lesson(self, lesson_id: UUID, now: datetime) -> None:
        lesson = self.lesson(lesson_id)
        if self.is_published and len(self.lessons) == 1:
            raise Conflict(
                "A published course needs at least one lesson; unpublish it before removing "
                "its last lesson."
            )
        self.lessons.remove(lesson)
        self._changed(now, notify=True)

    def reorder_lessons(self, order: Sequence[UUID], now: datetime) -> None:
        """Put the lessons in ``order``, which must name every lesson exactly once."""
        if len(order) != len(self.lessons) or set(order) != set(self.lesson_ids):
            raise InvalidInput("The new order must list every lesson of the course exactly once.")
        by_id = {lesson.id: lesson for lesson in self.lessons}
        self.lessons = [by_id[lesson_id] for lesson_id in order]
        self._changed(now, notify=False)

    def publish(self, now: datetime) -> None:
        if self.is_published:
            return
        if not self.lessons:
            raise Conflict("A course needs at least one lesson before it can be published.")
        self.status = CourseStatus.PUBLISHED
        self.published_at = now
        self._changed(now, notify=False)
        self._record(CourseEventType.PUBLISHED)

    def unpublish(self, now: datetime) -> None:
        if not self.is_published:
            return
        self.status = CourseStatus.DRAFT
        self._changed(now, notify=False)
        self._record(CourseEventType.UNPUBLISHED)

    def _changed(self, now: datetime, *, notify: bool) -> None:
        self.version += 1
        self.updated_at = now
        if notify and self.is_published:
            self._record(CourseEventType.UPDATED)

    def _record(self, kind: CourseEventType) -> None:
        self.events.append(
            CourseEvent(
                type=kind,
                course_id=self.id,
                teacher_id=self.teacher_id,
                title=self.details.title,
                lesson_ids=self.lesson_ids,
                version=self.version,
                price=self.price,
            )
        )
