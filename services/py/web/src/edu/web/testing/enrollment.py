"""FakeEnrollmentClient: enrolments in memory, over the courses of a FakeCourseClient."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Certificate, Enrolment, Progress
from edu.web.testing.course import FakeCourseClient
from edu.web.testing.switch import Switchable, caller_of

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@dataclass
class FakeEnrollmentClient(Switchable):
    courses: FakeCourseClient
    name: str = "enrollment"
    enrolments_by_id: dict[UUID, tuple[UUID, Enrolment]] = field(default_factory=dict)
    certificates: dict[str, Certificate] = field(default_factory=dict)
    completions: list[tuple[UUID, UUID]] = field(default_factory=list)

    async def enrol(self, token: str, course_id: UUID) -> Enrolment:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        for owner, enrolment in self.enrolments_by_id.values():
            if owner == student and enrolment.course_id == course_id:
                return enrolment  # idempotent, as the real service
        course = await self.courses.course(course_id)
        enrolment = Enrolment(
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
        self.enrolments_by_id[enrolment.id] = (student, enrolment)
        return enrolment

    async def enrolments(self, token: str) -> list[Enrolment]:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        return [e for owner, e in self.enrolments_by_id.values() if owner == student]

    async def complete_lesson(self, token: str, enrolment_id: UUID, lesson_id: UUID) -> Enrolment:
        self.answer()
        student = caller_of(self.courses.verifier, token)
        owner, enrolment = self.enrolments_by_id.get(enrolment_id, (None, None))
        if enrolment is None or owner != student:
            raise ProblemError(404, "Not found", "No such enrolment of yours.")
        self.completions.append((enrolment_id, lesson_id))
        done = tuple(sorted({*enrolment.completed_lesson_ids, lesson_id}))
        total = enrolment.progress.total_lessons
        finished = len(done) == total
        code = enrolment.certificate_code
        if finished and code is None:
            code = secrets.token_urlsafe(16)
            self.certificates[code] = Certificate(
                code=code,
                student_id=student,
                course_id=enrolment.course_id,
                course_title=enrolment.course_title,
                issued_at=NOW,
            )
        updated = enrolment.model_copy(
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
        self.enrolments_by_id[enrolment_id] = (student, updated)
        return updated

    async def certificate(self, code: str) -> Certificate | None:
        self.answer()
        return self.certificates.get(code)
