"""Paid courses against PostgreSQL: the purchase rows, a direct enrolment refused 402, reads
showing revocation, and races — concurrent duplicate deliveries make one enrolment; a success
and its refund racing end revoked.

The races need their own connections and real commits (like test_concurrent_enrollment.py):
their own engine on the worker's database, deleting the rows they made afterwards.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import httpx
import pytest_asyncio
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.common.clock import FakeClock
from edu.db.engine import create_engine, session_factory
from edu.enrollment.adapters.orm import course_outlines, enrollments, outbox, purchases
from edu.enrollment.adapters.unit_of_work import SqlAlchemyEnrollmentUnitOfWork
from edu.enrollment.domain.course_outline import CourseOutline, CoursePrice
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.domain.purchases import PaymentEvent, PaymentOutcome, Purchase
from edu.enrollment.service_layer.payments import PaymentEvents

POOL = 10
SUCCEEDED, REFUNDED = PaymentOutcome.SUCCEEDED, PaymentOutcome.REFUNDED
PROBLEM = "application/problem+json"


def paid_course(course_id: UUID | None = None) -> CourseOutline:
    return CourseOutline(
        course_id or uuid4(), "Lute", True, frozenset({uuid4()}), 1, CoursePrice("EUR", 1999)
    )


@pytest_asyncio.fixture(loop_scope="session")
async def committing_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=POOL)
    yield engine
    await engine.dispose()


async def _forget(engine: AsyncEngine, course_id: UUID) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            delete(outbox).where(outbox.c.payload["course_id"].astext == str(course_id))
        )
        await connection.execute(delete(enrollments).where(enrollments.c.course_id == course_id))
        await connection.execute(delete(purchases).where(purchases.c.course_id == course_id))
        await connection.execute(
            delete(course_outlines).where(course_outlines.c.course_id == course_id)
        )


async def _counts(engine: AsyncEngine, course_id: UUID) -> tuple[int, int, list[str]]:
    """Purchase rows, enrollment.created events and enrolment statuses of the course."""
    async with engine.connect() as connection:
        bought = await connection.scalar(
            select(func.count()).where(purchases.c.course_id == course_id)
        )
        created = await connection.scalar(
            select(func.count()).where(
                outbox.c.type == "enrollment.created",
                outbox.c.payload["course_id"].astext == str(course_id),
            )
        )
        statuses = (
            await connection.scalars(
                select(enrollments.c.status).where(enrollments.c.course_id == course_id)
            )
        ).all()
    return int(bought or 0), int(created or 0), list(statuses)


class TestStorage:
    async def test_a_saved_purchase_never_loses_a_flag_another_writer_set(
        self, uow: SqlAlchemyEnrollmentUnitOfWork, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        payment, student, course = uuid4(), uuid4(), uuid4()
        async with uow:
            await uow.purchases.save(Purchase(payment, student, course, refunded=True))
            # A writer that read before the refund was stored saves only the success.
            await uow.purchases.save(Purchase(payment, student, course, succeeded=True))
            await uow.commit()
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as again:
            assert await again.purchases.get(payment) == Purchase(
                payment, student, course, True, True
            )
            assert await again.purchases.of(student, course) == [
                Purchase(payment, student, course, True, True)
            ]

    async def test_the_read_model_keeps_a_courses_price(
        self, uow: SqlAlchemyEnrollmentUnitOfWork, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = paid_course()
        async with uow:
            await uow.outlines.store(course)
            await uow.commit()
        async with SqlAlchemyEnrollmentUnitOfWork(sessions) as again:
            stored = await again.outlines.get(course.course_id)
        assert stored is not None
        assert stored.price == CoursePrice("EUR", 1999)


class TestOverHttp:
    async def test_enrolling_in_a_paid_course_is_a_402_problem_naming_price_and_where_to_pay(
        self,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        uow: SqlAlchemyEnrollmentUnitOfWork,
    ) -> None:
        course = paid_course()
        async with uow:
            await uow.outlines.store(course)
            await uow.commit()
        answer = await client.post(
            "/enrollments",
            json={"course_id": str(course.course_id)},
            headers=minter.headers(roles={"student"}),
        )
        assert (answer.status_code, answer.headers["content-type"]) == (402, PROBLEM)
        problem = answer.json()
        assert problem["type"].endswith("/payment-required")
        assert problem["title"] == "Buy the course first"
        assert "19.99 EUR" in problem["detail"]
        assert "POST /payments" in problem["detail"]

    async def test_a_bought_enrolment_reads_with_its_payment_and_then_its_revocation(
        self,
        client: httpx.AsyncClient,
        minter: TokenMinter,
        sessions: async_sessionmaker[AsyncSession],
        uow: SqlAlchemyEnrollmentUnitOfWork,
    ) -> None:
        course, student, payment = paid_course(), uuid4(), uuid4()
        async with uow:
            await uow.outlines.store(course)
            await uow.commit()
        payments = PaymentEvents(lambda: SqlAlchemyEnrollmentUnitOfWork(sessions), FakeClock())
        headers = minter.headers(user_id=student, roles={"student"})

        await payments.apply(PaymentEvent(payment, student, course.course_id, SUCCEEDED))
        [bought] = (await client.get("/enrollments", headers=headers)).json()
        assert (bought["status"], bought["payment_id"], bought["revoked_at"]) == (
            "active",
            str(payment),
            None,
        )
        again = await client.post(
            "/enrollments", json={"course_id": str(course.course_id)}, headers=headers
        )
        assert (again.status_code, again.json()["id"]) == (200, bought["id"])

        await payments.apply(PaymentEvent(payment, student, course.course_id, REFUNDED))
        revoked = (await client.get(f"/enrollments/{bought['id']}", headers=headers)).json()
        assert revoked["status"] == "revoked"
        assert revoked["revoked_at"] is not None
        lesson = next(iter(course.lesson_ids))
        completing = await client.put(
            f"/enrollments/{bought['id']}/completed-lessons/{lesson}", headers=headers
        )
        assert (completing.status_code, completing.headers["content-type"]) == (409, PROBLEM)
        assert "refunded" in completing.json()["detail"]


class TestRaces:
    async def test_concurrent_duplicate_deliveries_of_a_success_make_one_enrolment(
        self, committing_engine: AsyncEngine
    ) -> None:
        payments = PaymentEvents(
            lambda: SqlAlchemyEnrollmentUnitOfWork(session_factory(committing_engine)),
            FakeClock(),
        )
        course_id, student, payment = uuid4(), uuid4(), uuid4()
        event = PaymentEvent(payment, student, course_id, SUCCEEDED)
        try:
            applied = await asyncio.gather(*(payments.apply(event) for _ in range(3 * POOL)))
            assert await _counts(committing_engine, course_id) == (1, 1, ["active"])
            assert applied.count(True) == 1
        finally:
            await _forget(committing_engine, course_id)

    async def test_a_success_and_its_refund_delivered_many_times_at_once_end_revoked(
        self, committing_engine: AsyncEngine
    ) -> None:
        payments = PaymentEvents(
            lambda: SqlAlchemyEnrollmentUnitOfWork(session_factory(committing_engine)),
            FakeClock(),
        )
        seed = random.randrange(2**32)  # noqa: S311 - an order to replay, not a secret
        shuffle = random.Random(seed).shuffle  # noqa: S311 - an order to replay, not a secret
        for _ in range(5):
            course_id, student, payment = uuid4(), uuid4(), uuid4()
            deliveries = [
                PaymentEvent(payment, student, course_id, outcome)
                for outcome in (SUCCEEDED, REFUNDED)
                for _ in range(POOL)
            ]
            shuffle(deliveries)
            try:
                applied = await asyncio.gather(*(payments.apply(e) for e in deliveries))
                bought, created, statuses = await _counts(committing_engine, course_id)
                # Enrolled then revoked, or never enrolled (the refund came first): never active.
                assert (bought, statuses) in [(1, ["revoked"]), (1, [])], seed
                assert created == len(statuses), seed
                assert applied.count(True) == 2, seed
            finally:
                await _forget(committing_engine, course_id)

    async def test_payments_of_one_student_and_course_racing_leave_access_while_one_is_live(
        self, committing_engine: AsyncEngine
    ) -> None:
        payments = PaymentEvents(
            lambda: SqlAlchemyEnrollmentUnitOfWork(session_factory(committing_engine)),
            FakeClock(),
        )
        course_id, student = uuid4(), uuid4()
        refunded, kept = uuid4(), uuid4()
        deliveries = [
            PaymentEvent(refunded, student, course_id, SUCCEEDED),
            PaymentEvent(refunded, student, course_id, REFUNDED),
            PaymentEvent(kept, student, course_id, SUCCEEDED),
        ] * 4
        seed = random.randrange(2**32)  # noqa: S311 - an order to replay, not a secret
        random.Random(seed).shuffle(deliveries)  # noqa: S311 - an order to replay, not a secret
        try:
            await asyncio.gather(*(payments.apply(e) for e in deliveries))
            async with SqlAlchemyEnrollmentUnitOfWork(session_factory(committing_engine)) as uow:
                enrollment = await uow.enrollments.find(student, course_id)
            assert enrollment is not None
            assert (enrollment.status, enrollment.payment_id) == (
                EnrollmentStatus.ACTIVE,
                kept,
            ), seed
            assert (await _counts(committing_engine, course_id))[:2] == (2, 1), seed
        finally:
            await _forget(committing_engine, course_id)
