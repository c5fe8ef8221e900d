"""What happened to an enrolment that other services care about (certificates, analytics, mail).

All four belong to the enrolment aggregate, so their versions count that enrolment's history
(1 = created) and a consumer can order and deduplicate them per enrolment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class EnrollmentEventType(StrEnum):
    CREATED = "enrollment.created"
    LESSON_COMPLETED = "lesson.completed"
    COURSE_COMPLETED = "course.completed"
    CERTIFICATE_ISSUED = "certificate.issued"


@dataclass(frozen=True)
class EnrollmentEvent:
    """Every event names the enrolment, its student and course; the rest depends on ``type``."""

    type: EnrollmentEventType
    enrollment_id: UUID
    student_id: UUID
    course_id: UUID
    version: int
    lesson_id: UUID | None = None  # lesson.completed
    progress_percent: int | None = None  # lesson.completed
    certificate_id: UUID | None = None  # certificate.issued
    verification_code: str | None = None  # certificate.issued
