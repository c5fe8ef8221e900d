"""In-memory doubles of the enrollment ports (``Fake<Port>``), for tests: enrollment's and the
seed's.

``FakeEnrollmentDatabase`` plays the database: each ``unit_of_work()`` works on copies and only
a commit makes its changes (and outbox events) visible, as a real transaction would. Not
shipped: the wheel leaves this module out and no service code imports it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from uuid import UUID

from edu.db.outbox.event import OutboxEvent
from edu.db.testing import FakeOutbox, FakeUnitOfWork
from edu.enrollment.domain.certificate import Certificate
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.enrollment import Enrollment
from edu.enrollment.domain.purchases import Purchase
from edu.enrollment.service_layer.ports import CourseServiceUnavailable


class FakeEnrollmentDatabase:
    def __init__(self) -> None:
        self.enrollments: dict[UUID, Enrollment] = {}
        self.outlines: dict[UUID, CourseOutline] = {}
        self.purchases: dict[UUID, Purchase] = {}
        self.outbox: list[OutboxEvent] = []
        self.commits = 0
        # The enrolments read with a row lock (``get(..., for_update=True)``), in order.
        self.locked: list[UUID] = []
        # The (student, course) purchase locks taken, in order.
        self.purchase_locks: list[tuple[UUID, UUID]] = []

    def unit_of_work(self) -> FakeEnrollmentUnitOfWork:
        return FakeEnrollmentUnitOfWork(self)


class FakeEnrollmentRepository:
    def __init__(self, db: FakeEnrollmentDatabase) -> None:
        self._db = db
        self.staged: dict[UUID, Enrollment] = {}

    def _all(self) -> list[Enrollment]:
        return list({**self._db.enrollments, **self.staged}.values())

    async def add_if_absent(self, enrollment: Enrollment) -> tuple[Enrollment, bool]:
        existing = await self.find(enrollment.student_id, enrollment.course_id)
        if existing is not None:
            return existing, False
        self.staged[enrollment.id] = _stored(enrollment)
        return enrollment, True

    async def find(
        self, student_id: UUID, course_id: UUID, *, for_update: bool = False
    ) -> Enrollment | None:
        for e in self._all():
            if (e.student_id, e.course_id) == (student_id, course_id):
                if for_update:
                    self._db.locked.append(e.id)
                return copy.deepcopy(e)
        return None

    async def get(self, enrollment_id: UUID, *, for_update: bool = False) -> Enrollment | None:
        if for_update:
            self._db.locked.append(enrollment_id)
        found = self.staged.get(enrollment_id) or self._db.enrollments.get(enrollment_id)
        return copy.deepcopy(found) if found else None

    async def save(self, enrollment: Enrollment) -> None:
        self.staged[enrollment.id] = _stored(enrollment)

    async def list_for_student(self, student_id: UUID) -> Sequence[Enrollment]:
        mine = [copy.deepcopy(e) for e in self._all() if e.student_id == student_id]
        return sorted(mine, key=lambda e: e.enrolled_at, reverse=True)

    async def certificate_by_code(self, code: str) -> Certificate | None:
        for e in self._all():
            if e.certificate is not None and e.certificate.code == code:
                return e.certificate
        return None


def _stored(enrollment: Enrollment) -> Enrollment:
    """What a database keeps: the state, not the pending events."""
    kept = copy.deepcopy(enrollment)
    kept.events.clear()
    return kept


class FakeCourseOutlines:
    def __init__(self, db: FakeEnrollmentDatabase) -> None:
        self._db = db
        self.staged: dict[UUID, CourseOutline] = {}

    async def get(self, course_id: UUID) -> CourseOutline | None:
        return self.staged.get(course_id) or self._db.outlines.get(course_id)

    async def get_many(self, course_ids: Iterable[UUID]) -> Mapping[UUID, CourseOutline]:
        found = {i: await self.get(i) for i in course_ids}
        return {i: o for i, o in found.items() if o is not None}

    async def store(self, outline: CourseOutline) -> bool:
        if not outline.is_newer_than(await self.get(outline.course_id)):
            return False
        self.staged[outline.course_id] = outline
        return True


class FakePurchaseRepository:
    def __init__(self, db: FakeEnrollmentDatabase) -> None:
        self._db = db
        self.staged: dict[UUID, Purchase] = {}

    async def lock(self, student_id: UUID, course_id: UUID) -> None:
        self._db.purchase_locks.append((student_id, course_id))

    async def get(self, payment_id: UUID) -> Purchase | None:
        found = self.staged.get(payment_id) or self._db.purchases.get(payment_id)
        return copy.deepcopy(found) if found else None

    async def of(self, student_id: UUID, course_id: UUID) -> Sequence[Purchase]:
        every = {**self._db.purchases, **self.staged}.values()
        return [
            copy.deepcopy(p)
            for p in every
            if (p.student_id, p.course_id) == (student_id, course_id)
        ]

    async def save(self, purchase: Purchase) -> None:
        self.staged[purchase.payment_id] = copy.deepcopy(purchase)


class FakeEnrollmentUnitOfWork(FakeUnitOfWork):
    """Leaving without commit drops what was staged, like a rollback."""

    def __init__(self, db: FakeEnrollmentDatabase) -> None:
        self._db = db
        self.enrollments = FakeEnrollmentRepository(db)
        self.outlines = FakeCourseOutlines(db)
        self.purchases = FakePurchaseRepository(db)
        self.outbox = FakeOutbox()

    def _keep(self) -> None:
        self._db.enrollments.update(self.enrollments.staged)
        self._db.outlines.update(self.outlines.staged)
        self._db.purchases.update(self.purchases.staged)
        self._db.outbox.extend(self.outbox.events)
        self.enrollments.staged, self.outlines.staged, self.outbox.events = {}, {}, []
        self.purchases.staged = {}
        self._db.commits += 1


class FakeCourseDirectory:
    """The course service as a dict; ``down = True`` makes it unavailable. Keeps what was asked."""

    def __init__(self, outlines: Iterable[CourseOutline] = ()) -> None:
        self.outlines = {o.course_id: o for o in outlines}
        self.asked: list[UUID] = []
        self.down = False

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        self.asked.append(course_id)
        if self.down:
            raise CourseServiceUnavailable("The course service did not answer in time.")
        return self.outlines.get(course_id)
