"""The Enrollment aggregate: one student in one course, their completed lessons, certificate.

Progress is always measured against the course's current outline, so lessons a teacher adds
later count and removed ones stop counting. Completion is decided when a lesson is marked
complete (marking one again re-checks it); once completed, an enrolment stays completed.

An enrolment in a paid course is made by a payment (``payment_id``) and follows its student's
purchases of the course (domain/purchases.py): revoked when none gives access any more (a
refund), restored with its progress when one does again (bought again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from edu.common.problems import Conflict
from edu.enrollment.domain.certificate import Certificate, new_verification_code
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.events import EnrollmentEvent, EnrollmentEventType


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    # Its payment was refunded: lessons can no longer be completed (progress and any
    # certificate are kept).
    REVOKED = "revoked"


@dataclass(frozen=True)
class Progress:
    completed_lessons: int
    total_lessons: int
    percent: int


@dataclass(eq=False)
class Enrollment:
    id: UUID
    student_id: UUID
    course_id: UUID
    enrolled_at: datetime
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE
    completed_lessons: dict[UUID, datetime] = field(default_factory=dict)
    completed_at: datetime | None = None
    certificate: Certificate | None = None
    version: int = 0
    # The payment that gives access; None for an enrolment in a free course.
    payment_id: UUID | None = None
    revoked_at: datetime | None = None
    events: list[EnrollmentEvent] = field(default_factory=list, repr=False)

    @classmethod
    def enrol(
        cls,
        *,
        student_id: UUID,
        outline: CourseOutline,
        now: datetime,
        enrollment_id: UUID | None = None,
    ) -> Enrollment:
        outline.ensure_open_for_enrollment()
        enrollment = cls(enrollment_id or uuid4(), student_id, outline.course_id, enrolled_at=now)
        enrollment._record(EnrollmentEventType.CREATED)
        return enrollment

    @classmethod
    def purchased(
        cls, *, student_id: UUID, course_id: UUID, payment_id: UUID, now: datetime
    ) -> Enrollment:
        """The enrolment a succeeded payment makes (whether the course is still published or
        not: the student paid for it)."""
        enrollment = cls(uuid4(), student_id, course_id, enrolled_at=now, payment_id=payment_id)
        enrollment._record(EnrollmentEventType.CREATED)
        return enrollment

    @property
    def is_completed(self) -> bool:
        return self.status is EnrollmentStatus.COMPLETED

    @property
    def is_revoked(self) -> bool:
        return self.status is EnrollmentStatus.REVOKED

    def follow_payments(self, paying: UUID | None, now: datetime) -> bool:
        """Revoke a paid enrolment no payment gives access to any more, restore a revoked one
        a payment does again; True when anything changed. A free enrolment stays as it is."""
        if paying is None:
            if self.payment_id is None or self.is_revoked:
                return False
            self.status, self.revoked_at = EnrollmentStatus.REVOKED, now
            return True
        if self.is_revoked:
            self._restore(paying)
            return True
        if self.payment_id is not None and self.payment_id != paying:
            self.payment_id = paying
            return True
        return False

    def rejoin_free(self) -> None:
        """A revoked enrolment in a course that has become free is the student's again."""
        self._restore(None)

    def _restore(self, payment_id: UUID | None) -> None:
        self.status = EnrollmentStatus.COMPLETED if self.completed_at else EnrollmentStatus.ACTIVE
        self.revoked_at, self.payment_id = None, payment_id

    def progress(self, outline: CourseOutline) -> Progress:
        done = len(outline.lesson_ids.intersection(self.completed_lessons))
        total = len(outline.lesson_ids)
        if self.is_completed:
            return Progress(done, total, 100)
        return Progress(done, total, done * 100 // total if total else 0)

    def complete_lesson(
        self,
        lesson_id: UUID,
        outline: CourseOutline,
        now: datetime,
        new_code: Callable[[], str] = new_verification_code,
    ) -> None:
        """Mark ``lesson_id`` done (again is fine); finishing the last lesson issues a certificate."""
        if self.is_revoked:
            raise Conflict(
                "This enrolment was revoked because its payment was refunded; buy the course "
                "again to continue where you left off."
            )
        outline.ensure_has_lesson(lesson_id)
        if lesson_id not in self.completed_lessons:
            self.completed_lessons[lesson_id] = now
            self._record(
                EnrollmentEventType.LESSON_COMPLETED,
                lesson_id=lesson_id,
                progress_percent=self.progress(outline).percent,
            )
        if not self.is_completed and outline.lesson_ids <= self.completed_lessons.keys():
            self._complete(outline, now, new_code)

    def _complete(self, outline: CourseOutline, now: datetime, new_code: Callable[[], str]) -> None:
        self.status = EnrollmentStatus.COMPLETED
        self.completed_at = now
        self._record(EnrollmentEventType.COURSE_COMPLETED)
        self.certificate = Certificate(
            id=uuid4(),
            code=new_code(),
            enrollment_id=self.id,
            student_id=self.student_id,
            course_id=self.course_id,
            course_title=outline.title,
            issued_at=now,
        )
        self._record(
            EnrollmentEventType.CERTIFICATE_ISSUED,
            certificate_id=self.certificate.id,
            verification_code=self.certificate.code,
        )

    def _record(
        self,
        kind: EnrollmentEventType,
        *,
        lesson_id: UUID | None = None,
        progress_percent: int | None = None,
        certificate_id: UUID | None = None,
        verification_code: str | None = None,
    ) -> None:
        self.version += 1
        self.events.append(
            EnrollmentEvent(
                kind,
                self.id,
                self.student_id,
                self.course_id,
                self.version,
                lesson_id=lesson_id,
                progress_percent=progress_percent,
                certificate_id=certificate_id,
                verification_code=verification_code,
            )
        )
