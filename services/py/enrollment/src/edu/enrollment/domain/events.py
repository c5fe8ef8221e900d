"""What happened to an enrolment that other services care about (certificates, analytics, mail).

All four belong to the enrolment aggregate, so their versions count that enrolment's history
(1 = created) and a consumer can order and deduplicate them per enrolment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class EnrollmentEventType(StrEnum):
    CREATED = "enrollment.created"
    LESSON_COMPLETED = "lesson.completed"
    COURSE_COMPLETED = "course.completed"
    CERTIFICATE_ISSUED = "certificate.issued"


@dataclass(frozen=True)
class EnrollmentEvent:
    type: EnrollmentEventType
    enrollment_id: UUID
    version: int
    payload: dict[str, object] = field(default_factory=dict)
