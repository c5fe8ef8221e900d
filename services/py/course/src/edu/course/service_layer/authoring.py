"""Teachers' use cases: create and edit courses and lessons, reorder, publish, unpublish."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from edu.common.clock import Clock
from edu.common.problems import NotFound
from edu.course.domain.course import Course, Lesson
from edu.course.domain.price import Price
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.service_layer.outbox_events import to_outbox_event
from edu.course.service_layer.ports import CourseUnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class PlacedLesson:
    """A lesson and where it stands in its course (0 = first)."""

    lesson: Lesson
    position: int

    @classmethod
    def of(cls, course: Course, lesson_id: UUID) -> PlacedLesson:
        return cls(course.lesson(lesson_id), course.lesson_ids.index(lesson_id))


class CourseAuthoring:
    """Everything a teacher does to their own courses; each call is one transaction."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create_course(self, teacher_id: UUID, details: CourseDetails) -> Course:
        """Start a new draft course owned by ``teacher_id``."""
        course = Course.create(teacher_id=teacher_id, details=details, now=self._clock.now())
        async with self._uow() as uow:
            await uow.courses.add(course)
            await uow.commit()
        return course

    async def own_courses(self, teacher_id: UUID) -> Sequence[Course]:
        """The teacher's courses, drafts included."""
        async with self._uow() as uow:
            return await uow.courses.list_by_teacher(teacher_id)

    async def own_course(self, teacher_id: UUID, course_id: UUID) -> Course:
        """One of the teacher's courses with every lesson, draft or published."""
        async with self._uow() as uow:
            course = await _get(uow, course_id)
        course.ensure_owned_by(teacher_id)
        return course

    async def edit_course(
        self, teacher_id: UUID, course_id: UUID, details: CourseDetails
    ) -> Course:
        """Replace title, summary, level and tags."""
        return await self._change(teacher_id, course_id, lambda c: c.edit(details, self._now()))

    async def set_price(self, teacher_id: UUID, course_id: UUID, price: Price | None) -> Course:
        """Set what the course costs, or make it free (None); existing enrolments stay."""
        return await self._change(teacher_id, course_id, lambda c: c.set_price(price, self._now()))

    async def add_lesson(
        self, teacher_id: UUID, course_id: UUID, content: LessonContent
    ) -> PlacedLesson:
        """Append a lesson at the end of the course."""
        lesson_id = uuid4()
        course = await self._change(
            teacher_id, course_id, lambda c: c.add_lesson(content, self._now(), lesson_id)
        )
        return PlacedLesson.of(course, lesson_id)

    async def edit_lesson(
        self, teacher_id: UUID, course_id: UUID, lesson_id: UUID, content: LessonContent
    ) -> PlacedLesson:
        """Replace a lesson's title, body, video and estimate."""
        course = await self._change(
            teacher_id, course_id, lambda c: c.edit_lesson(lesson_id, content, self._now())
        )
        return PlacedLesson.of(course, lesson_id)

    async def remove_lesson(self, teacher_id: UUID, course_id: UUID, lesson_id: UUID) -> None:
        """Delete a lesson (a published course keeps at least one)."""
        await self._change(teacher_id, course_id, lambda c: c.remove_lesson(lesson_id, self._now()))

    async def reorder_lessons(
        self, teacher_id: UUID, course_id: UUID, order: Sequence[UUID]
    ) -> Course:
        """Put the lessons in the given order."""
        return await self._change(
            teacher_id, course_id, lambda c: c.reorder_lessons(order, self._now())
        )

    async def publish(self, teacher_id: UUID, course_id: UUID) -> Course:
        """Open the course to the catalogue and to enrolment (needs a lesson)."""
        return await self._change(teacher_id, course_id, lambda c: c.publish(self._now()))

    async def unpublish(self, teacher_id: UUID, course_id: UUID) -> Course:
        """Take the course out of the catalogue; existing enrolments stay."""
        return await self._change(teacher_id, course_id, lambda c: c.unpublish(self._now()))

    def _now(self) -> datetime:
        return self._clock.now()

    async def _change(
        self, teacher_id: UUID, course_id: UUID, change: Callable[[Course], object]
    ) -> Course:
        """Load, check ownership, apply ``change``, save with its events, commit."""
        async with self._uow() as uow:
            course = await _get(uow, course_id)
            course.ensure_owned_by(teacher_id)
            change(course)
            await uow.courses.save(course)
            for event in course.events:
                uow.outbox.add(to_outbox_event(event, self._clock))
            course.events.clear()
            await uow.commit()
        return course


async def _get(uow: CourseUnitOfWork, course_id: UUID) -> Course:
    course = await uow.courses.get(course_id)
    if course is None:
        raise NotFound("There is no course with this id.")
    return course
