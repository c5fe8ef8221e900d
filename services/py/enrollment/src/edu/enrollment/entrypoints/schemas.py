"""Request and response bodies of the enrollment API (pydantic), mapped from the domain."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from edu.enrollment.domain.certificate import Certificate
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.service_layer.enrollments import Standing


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: UUID = Field(description="A published free course (a paid one is bought).")


class ProgressOut(BaseModel):
    completed_lessons: int
    total_lessons: int
    percent: int = Field(ge=0, le=100, description="Rounded down; 100 only once completed.")


class EnrollmentOut(BaseModel):
    id: UUID
    student_id: UUID
    course_id: UUID
    course_title: str
    status: EnrollmentStatus = Field(
        description="`revoked`: its payment was refunded; progress and certificate are kept but "
        "no lesson can be completed until the course is bought again."
    )
    enrolled_at: datetime
    completed_at: datetime | None
    payment_id: UUID | None = Field(
        description="The payment that gives access to a paid course; null for a free course."
    )
    revoked_at: datetime | None
    progress: ProgressOut
    completed_lesson_ids: list[UUID]
    remaining_lesson_ids: list[UUID] = Field(
        description="The course's lessons not completed yet (any order may be followed)."
    )
    certificate_code: str | None = Field(
        description="Verification code of the certificate, once the course is completed."
    )

    @classmethod
    def of(cls, standing: Standing) -> EnrollmentOut:
        enrollment, progress = standing.enrollment, standing.progress
        certificate = enrollment.certificate
        return cls(
            id=enrollment.id,
            student_id=enrollment.student_id,
            course_id=enrollment.course_id,
            course_title=standing.outline.title,
            status=enrollment.status,
            enrolled_at=enrollment.enrolled_at,
            completed_at=enrollment.completed_at,
            payment_id=enrollment.payment_id,
            revoked_at=enrollment.revoked_at,
            progress=ProgressOut(
                completed_lessons=progress.completed_lessons,
                total_lessons=progress.total_lessons,
                percent=progress.percent,
            ),
            completed_lesson_ids=sorted(enrollment.completed_lessons),
            remaining_lesson_ids=sorted(
                standing.outline.lesson_ids - enrollment.completed_lessons.keys()
            ),
            certificate_code=certificate.code if certificate else None,
        )


class CertificateOut(BaseModel):
    """What a verified certificate proves: that a course was completed, and when. It names no
    student: anyone holding a code may check it, and a student id would link a person's
    certificates together."""

    code: str
    course_id: UUID
    course_title: str
    issued_at: datetime

    @classmethod
    def of(cls, certificate: Certificate) -> CertificateOut:
        return cls(
            code=certificate.code,
            course_id=certificate.course_id,
            course_title=certificate.course_title,
            issued_at=certificate.issued_at,
        )
