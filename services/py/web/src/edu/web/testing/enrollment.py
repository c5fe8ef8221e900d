"""FakeEnrollmentClient: enrolments in memory, over the courses of a FakeCourseClient."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Certificate, Enrollment, Progress
from edu.web.testing.course import FakeCourseClient
from edu.web.testing.switch import Switchable, caller_of

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@dataclass
class FakeEnrollmentClient(Switchable):
    courses: FakeCourseClient
    name: str = "enrollment"
    enrollments_by_id: dict[UUID, tuple[UUID, Enrollment]] = field(default_factory=dict)
    certificates: dict[str, Certificate] = field(default_factory=dict)
    completions: list[tuple[UUID, UUID]] = field(default_factory=list)

    async def payment_succeeded(self, student: UUID, course_id: UUID) -> Enrollment:
        """What the real service does on the payment-engine's event: enrol, once."""
        for owner, enrollment in self.enrollments_by_id.values():
            if owner == student and enrollment.course_id == course_id:
                return enrollment
        return await self._enrol(student, course_id)

    async def enrol(self, token: str, course_id: UUID) -> Enrollment:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        for owner, enrollment in self.enrollments_by_id.values():
            if owner == student and enrollment.course_id == course_id:
                return enrollment  # idempotent, as the real service
        if (await self.courses.course(course_id)).price is not None:
            raise ProblemError(
                402, "Payment required", "This course is paid: buy it before enrolling."
            )
        return await self._enrol(student, course_id)

    async def _enrol(self, student: UUID, course_id: UUID) -> Enrollment:
        course = await self.courses.course(course_id)
        enrollment = Enrollment(
            id=uuid.uuid4(),
            course_id=course_id,
            course_title=course.title,
            status="active",
            enrolled_at=NOW,
            completed_at=None,
            completed_lesson_ids=(),
            certificate_code=None,
            progress=Progress(completed_lessons=0, total_lessons=course.lesson_count, percent=0),
        )
        self.enrollments_by_id[enrollment.id] = (student, enrollment)
        return enrollment

    async def enrollments(self, token: str) -> list[Enrollment]:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        return [e for owner, e in self.enrollments_by_id.values() if owner == student]

    async def complete_lesson(self, token: str, enrollment_id: UUID, lesson_id: UUID) -> Enrollment:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        owner, enrollment = self.enrollments_by_id.get(enrollment_id, (None, None))
        if enrollment is None or owner != student:
            raise ProblemError(404, "Not found", "No such enrolment of yours.")
        self.completions.append((enrollment_id, lesson_id))
        done = tuple(sorted({*enrollment.completed_lesson_ids, lesson_id}))
        total = enrollment.progress.total_lessons
        finished = len(done) == total
        code = enrollment.certificate_code
        if finished and code is None:
            code = secrets.token_urlsafe(16)
            self.certificates[code] = Certificate(
                code=code,
                course_id=enrollment.course_id,
                course_title=enrollment.course_title,
                issued_at=NOW,
            )
        updated = enrollment.model_copy(
            update={
                "completed_lesson_ids": done,
                "certificate_code": code,
                "status": "completed" if finished else "active",
                "completed_at": NOW if finished else None,
                "progress": Progress(
                    completed_lessons=len(done),
                    total_lessons=total,
                    percent=100 if finished else len(done) * 100 // total,
                ),
            }
        )
        self.enrollments_by_id[enrollment_id] = (student, updated)
        return updated

    async def certificate(self, code: str) -> Certificate | None:
        self.answer()
        return self.certificates.get(code)
