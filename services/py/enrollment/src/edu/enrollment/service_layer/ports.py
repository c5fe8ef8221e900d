"""The ports the enrollment use cases need, as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol
from uuid import UUID

from edu.common.problems import DomainError
from edu.db.ports import OutboxUnitOfWork
from edu.enrollment.domain.certificate import Certificate
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.enrollment import Enrollment
from edu.enrollment.domain.purchases import Purchase


class CourseServiceUnavailable(DomainError):
    """The course service could not be asked in time (only when the local read model lacks it)."""

    status = 503
    slug = "course-service-unavailable"
    title = "Course information is temporarily unavailable"


class EnrollmentRepository(Protocol):
    async def add_if_absent(self, enrollment: Enrollment) -> tuple[Enrollment, bool]:
        """Store ``enrollment`` unless the student is already enrolled in that course.

        Returns the stored enrolment and whether it was created now. Safe under any number of
        concurrent calls: exactly one of them creates.
        """
        ...

    async def find(
        self, student_id: UUID, course_id: UUID, *, for_update: bool = False
    ) -> Enrollment | None:
        """The student's enrolment in that course, if any; ``for_update`` as for ``get``."""
        ...

    async def get(self, enrollment_id: UUID, *, for_update: bool = False) -> Enrollment | None:
        """With ``for_update``, holds a lock until the transaction ends, so changes serialise."""
        ...

    async def save(self, enrollment: Enrollment) -> None:
        """Store completed lessons, status, version, payment, revocation and certificate of a
        loaded enrolment."""
        ...

    async def list_for_student(self, student_id: UUID) -> Sequence[Enrollment]:
        """The student's enrolments, newest first."""
        ...

    async def certificate_by_code(self, code: str) -> Certificate | None: ...


class PurchaseRepository(Protocol):
    """What was heard of each payment (domain/purchases.py), per student and course."""

    async def lock(self, student_id: UUID, course_id: UUID) -> None:
        """Hold, until the transaction ends, the one lock of this student's purchases of this
        course: payment events of one student and course are applied one after the other."""
        ...

    async def get(self, payment_id: UUID) -> Purchase | None:
        """What was heard of this payment, if anything."""
        ...

    async def of(self, student_id: UUID, course_id: UUID) -> Sequence[Purchase]:
        """Every purchase of the course by the student."""
        ...

    async def save(self, purchase: Purchase) -> None:
        """Store ``purchase`` (new or changed); its flags are never turned off again."""
        ...


class CourseOutlines(Protocol):
    """The local read model of courses, fed by course events."""

    async def get(self, course_id: UUID) -> CourseOutline | None: ...

    async def get_many(self, course_ids: Iterable[UUID]) -> Mapping[UUID, CourseOutline]: ...

    async def store(self, outline: CourseOutline) -> bool:
        """Keep ``outline`` unless a newer version is stored; True when it was kept."""
        ...


class CourseDirectory(Protocol):
    """The course service itself, asked synchronously when the read model has no answer."""

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        """The course's outline, published or not; None when no course has this id.

        Raises CourseServiceUnavailable when the service does not answer in time.
        """
        ...


class EnrollmentUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def enrollments(self) -> EnrollmentRepository: ...

    @property
    def outlines(self) -> CourseOutlines: ...

    @property
    def purchases(self) -> PurchaseRepository: ...


UnitOfWorkFactory = Callable[[], EnrollmentUnitOfWork]
