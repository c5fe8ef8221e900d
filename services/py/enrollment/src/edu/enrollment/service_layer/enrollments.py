"""Students' use cases: enrol, see their enrolments and progress, complete lessons."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from edu.common.clock import Clock
from edu.common.problems import NotFound
from edu.enrollment.domain.certificate import new_verification_code
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.enrollment import Enrollment, Progress
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.outbox_events import to_outbox_event
from edu.enrollment.service_layer.ports import EnrollmentUnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class Standing:
    """An enrolment together with the course outline its progress is measured against."""

    enrollment: Enrollment
    outline: CourseOutline

    @property
    def progress(self) -> Progress:
        return self.enrollment.progress(self.outline)


class Enrollments:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        courses: CourseInformation,
        clock: Clock,
        new_code: Callable[[], str] = new_verification_code,
    ) -> None:
        self._uow = uow
        self._courses = courses
        self._clock = clock
        self._new_code = new_code

    async def enrol(self, student_id: UUID, course_id: UUID) -> tuple[Standing, bool]:
        """Enrol in a published free course; enrolling again returns the first enrolment (False).

        A paid course is PaymentRequired (402): its ``payment.succeeded`` enrols (PaymentEvents).
        """
        async with self._uow() as uow:
            outline = await uow.outlines.get(course_id)
            if outline is not None:  # the usual case: one transaction
                return await self._enrol(uow, student_id, outline)
        # Not in the read model yet: ask the course service outside any transaction.
        outline = await self._courses.fetch(course_id)
        async with self._uow() as uow:
            return await self._enrol(uow, student_id, outline)

    async def _enrol(
        self, uow: EnrollmentUnitOfWork, student_id: UUID, outline: CourseOutline
    ) -> tuple[Standing, bool]:
        if not outline.published or outline.price is not None:
            # Enrolling again stays idempotent after the course closed to newcomers or began
            # to cost money; a paid course is otherwise bought, not enrolled in.
            existing = await uow.enrollments.find(student_id, outline.course_id)
            if existing is not None and not existing.is_revoked:
                return Standing(existing, outline), False
            outline.ensure_open_for_enrollment()
            outline.ensure_free()
        candidate = Enrollment.enrol(student_id=student_id, outline=outline, now=self._clock.now())
        stored, created = await uow.enrollments.add_if_absent(candidate)
        if not created and stored.is_revoked:
            # Revoked after a refund, and the course is free now: the student may come back.
            locked = await uow.enrollments.find(student_id, outline.course_id, for_update=True)
            if locked is not None and locked.is_revoked:  # not restored meanwhile
                locked.rejoin_free()
                await uow.enrollments.save(locked)
                stored, created = locked, True
        if created:
            await self._write_events(uow, stored)
            await uow.commit()
        return Standing(stored, outline), created

    async def enrollments_of(self, student_id: UUID) -> Sequence[Standing]:
        """Every enrolment of the student with its progress, newest first."""
        async with self._uow() as uow:
            found = await uow.enrollments.list_for_student(student_id)
        outlines = await self._courses.outlines({e.course_id for e in found})
        return [Standing(e, outlines[e.course_id]) for e in found]

    async def enrollment_of(self, student_id: UUID, enrollment_id: UUID) -> Standing:
        """One of the student's enrolments; other students' enrolments do not exist for them."""
        async with self._uow() as uow:
            enrollment = _owned(await uow.enrollments.get(enrollment_id), student_id)
        return Standing(enrollment, await self._courses.outline(enrollment.course_id))

    async def complete_lesson(
        self, student_id: UUID, enrollment_id: UUID, lesson_id: UUID
    ) -> Standing:
        """Mark a lesson complete (idempotent); the last one completes the course."""
        async with self._uow() as uow:
            # The row lock serialises completions of one enrolment, so two last lessons
            # completed at once still complete the course exactly once.
            enrollment = _owned(
                await uow.enrollments.get(enrollment_id, for_update=True), student_id
            )
            outline = await uow.outlines.get(enrollment.course_id)
            if outline is None:
                outline = await self._courses.fetch(enrollment.course_id)
            enrollment.complete_lesson(lesson_id, outline, self._clock.now(), self._new_code)
            if enrollment.events:
                await uow.enrollments.save(enrollment)
                await self._write_events(uow, enrollment)
                await uow.commit()
        return Standing(enrollment, outline)

    async def _write_events(self, uow: EnrollmentUnitOfWork, enrollment: Enrollment) -> None:
        for event in enrollment.events:
            uow.outbox.add(to_outbox_event(event, self._clock))
        enrollment.events.clear()


def _owned(enrollment: Enrollment | None, student_id: UUID) -> Enrollment:
    if enrollment is None or enrollment.student_id != student_id:
        raise NotFound("You have no enrolment with this id.")
    return enrollment
