"""Paid courses over fakes: a direct enrolment is refused with where to pay; payment events
enrol, revoke and restore exactly once, whatever their order or repetition."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import Conflict
from edu.enrollment.domain.course_outline import CourseOutline, CoursePrice, PaymentRequired
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.domain.purchases import PaymentEvent, PaymentOutcome, Purchase
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.enrollment.service_layer.payments import PaymentEvents
from edu.enrollment.testing import FakeCourseDirectory, FakeEnrollmentDatabase

STUDENT = uuid4()
EUR_20 = CoursePrice("EUR", 1999)
SUCCEEDED, REFUNDED = PaymentOutcome.SUCCEEDED, PaymentOutcome.REFUNDED


def course(price: CoursePrice | None = EUR_20, *, published: bool = True) -> CourseOutline:
    return CourseOutline(uuid4(), "Bread baking", published, frozenset({uuid4()}), 2, price)


def heard(payment: UUID, outcome: PaymentOutcome, course_id: UUID) -> PaymentEvent:
    return PaymentEvent(payment, STUDENT, course_id, outcome)


@pytest.fixture
def db() -> FakeEnrollmentDatabase:
    return FakeEnrollmentDatabase()


@pytest.fixture
def enrollments(db: FakeEnrollmentDatabase) -> Enrollments:
    return Enrollments(
        db.unit_of_work, CourseInformation(db.unit_of_work, FakeCourseDirectory()), FakeClock()
    )


@pytest.fixture
def payments(db: FakeEnrollmentDatabase) -> PaymentEvents:
    return PaymentEvents(db.unit_of_work, FakeClock())


def statuses(db: FakeEnrollmentDatabase) -> list[EnrollmentStatus]:
    return [e.status for e in db.enrollments.values()]


class TestCoursePrice:
    @pytest.mark.parametrize(("currency", "amount"), [("", 0), ("EUR", 0), ("", 100)])
    def test_a_missing_or_zero_price_is_free(self, currency: str, amount: int) -> None:
        assert CoursePrice.of(currency, amount) is None

    def test_a_price_reads_in_major_units(self) -> None:
        assert str(CoursePrice("EUR", 1999)) == "19.99 EUR"


class TestDirectEnrolmentInAPaidCourse:
    async def test_is_refused_402_saying_what_it_costs_and_where_to_pay(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        paid = course()
        db.outlines[paid.course_id] = paid
        with pytest.raises(PaymentRequired) as refused:
            await enrollments.enrol(STUDENT, paid.course_id)
        assert refused.value.status == 402
        assert "19.99 EUR" in refused.value.detail
        assert "POST /payments" in refused.value.detail
        assert str(paid.course_id) in refused.value.detail
        assert (db.enrollments, db.outbox) == ({}, [])

    async def test_answers_the_bought_enrolment_again_once_paid(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments, payments: PaymentEvents
    ) -> None:
        paid = course()
        db.outlines[paid.course_id] = paid
        await payments.apply(heard(uuid4(), SUCCEEDED, paid.course_id))
        standing, created = await enrollments.enrol(STUDENT, paid.course_id)
        assert not created
        assert standing.enrollment.status is EnrollmentStatus.ACTIVE

    async def test_after_a_refund_is_refused_again(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments, payments: PaymentEvents
    ) -> None:
        paid, payment = course(), uuid4()
        db.outlines[paid.course_id] = paid
        await payments.apply(heard(payment, SUCCEEDED, paid.course_id))
        await payments.apply(heard(payment, REFUNDED, paid.course_id))
        with pytest.raises(PaymentRequired):
            await enrollments.enrol(STUDENT, paid.course_id)

    async def test_a_free_course_stays_free(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments
    ) -> None:
        free = course(price=None)
        db.outlines[free.course_id] = free
        _, created = await enrollments.enrol(STUDENT, free.course_id)
        assert created

    async def test_a_revoked_enrolment_comes_back_when_the_course_becomes_free(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments, payments: PaymentEvents
    ) -> None:
        paid, payment = course(), uuid4()
        db.outlines[paid.course_id] = paid
        await payments.apply(heard(payment, SUCCEEDED, paid.course_id))
        await payments.apply(heard(payment, REFUNDED, paid.course_id))
        db.outlines[paid.course_id] = CourseOutline(
            paid.course_id, paid.title, True, paid.lesson_ids, 3, price=None
        )
        standing, created = await enrollments.enrol(STUDENT, paid.course_id)
        assert created
        assert (standing.enrollment.status, standing.enrollment.payment_id) == (
            EnrollmentStatus.ACTIVE,
            None,
        )
        assert len(db.enrollments) == 1


class TestPaymentEvents:
    async def test_a_success_enrols_once_recording_the_payment_and_announcing_it(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, payment = uuid4(), uuid4()
        assert await payments.apply(heard(payment, SUCCEEDED, course_id))
        assert not await payments.apply(heard(payment, SUCCEEDED, course_id))
        [enrollment] = db.enrollments.values()
        assert (enrollment.student_id, enrollment.course_id, enrollment.payment_id) == (
            STUDENT,
            course_id,
            payment,
        )
        assert [e.type for e in db.outbox] == ["enrollment.created"]
        assert db.purchase_locks == [(STUDENT, course_id)] * 2

    async def test_a_refund_revokes_and_a_repeated_refund_changes_nothing(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, payment = uuid4(), uuid4()
        await payments.apply(heard(payment, SUCCEEDED, course_id))
        assert await payments.apply(heard(payment, REFUNDED, course_id))
        assert not await payments.apply(heard(payment, REFUNDED, course_id))
        [enrollment] = db.enrollments.values()
        assert enrollment.status is EnrollmentStatus.REVOKED
        assert enrollment.revoked_at is not None

    async def test_a_refund_that_overtakes_its_success_leaves_no_enrolment(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, payment = uuid4(), uuid4()
        await payments.apply(heard(payment, REFUNDED, course_id))
        await payments.apply(heard(payment, SUCCEEDED, course_id))
        assert db.enrollments == {}
        assert db.purchases[payment] == Purchase(payment, STUDENT, course_id, True, True)

    async def test_buying_again_after_a_refund_restores_the_enrolment_with_its_progress(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, first, second = uuid4(), uuid4(), uuid4()
        await payments.apply(heard(first, SUCCEEDED, course_id))
        [enrolled] = db.enrollments.values()
        enrolled.completed_lessons[uuid4()] = enrolled.enrolled_at
        await payments.apply(heard(first, REFUNDED, course_id))
        await payments.apply(heard(second, SUCCEEDED, course_id))
        [enrollment] = db.enrollments.values()
        assert (enrollment.id, enrollment.status, enrollment.payment_id) == (
            enrolled.id,
            EnrollmentStatus.ACTIVE,
            second,
        )
        assert len(enrollment.completed_lessons) == 1

    async def test_refunding_one_of_two_payments_keeps_the_enrolment(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, first, second = uuid4(), uuid4(), uuid4()
        await payments.apply(heard(first, SUCCEEDED, course_id))
        await payments.apply(heard(second, SUCCEEDED, course_id))
        await payments.apply(heard(first, REFUNDED, course_id))
        assert statuses(db) == [EnrollmentStatus.ACTIVE]
        assert next(iter(db.enrollments.values())).payment_id == second

    async def test_a_refund_never_revokes_an_enrolment_made_for_free(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments, payments: PaymentEvents
    ) -> None:
        free, payment = course(price=None), uuid4()
        db.outlines[free.course_id] = free
        await enrollments.enrol(STUDENT, free.course_id)
        await payments.apply(heard(payment, SUCCEEDED, free.course_id))
        await payments.apply(heard(payment, REFUNDED, free.course_id))
        [enrollment] = db.enrollments.values()
        assert (enrollment.status, enrollment.payment_id) == (EnrollmentStatus.ACTIVE, None)

    async def test_an_event_contradicting_the_payments_first_is_refused_and_changes_nothing(
        self, db: FakeEnrollmentDatabase, payments: PaymentEvents
    ) -> None:
        course_id, payment = uuid4(), uuid4()
        await payments.apply(heard(payment, SUCCEEDED, course_id))
        with pytest.raises(ValueError, match="was for student"):
            await payments.apply(PaymentEvent(payment, uuid4(), course_id, REFUNDED))
        assert statuses(db) == [EnrollmentStatus.ACTIVE]

    async def test_a_revoked_enrolment_completes_no_lesson(
        self, db: FakeEnrollmentDatabase, enrollments: Enrollments, payments: PaymentEvents
    ) -> None:
        paid, payment = course(), uuid4()
        db.outlines[paid.course_id] = paid
        await payments.apply(heard(payment, SUCCEEDED, paid.course_id))
        await payments.apply(heard(payment, REFUNDED, paid.course_id))
        [enrollment] = db.enrollments.values()
        with pytest.raises(Conflict, match="refunded"):
            await enrollments.complete_lesson(STUDENT, enrollment.id, next(iter(paid.lesson_ids)))
