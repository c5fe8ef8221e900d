"""Purchases in PostgreSQL: a row per payment id, under a transaction-scoped advisory lock per
student and course."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.enrollment.adapters.orm import purchases
from edu.enrollment.domain.purchases import Purchase


class SqlAlchemyPurchaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, student_id: UUID, course_id: UUID) -> None:
        # An advisory lock, not a row lock: before a student's first event for a course there
        # is no row to lock. Two keys sharing a hash only wait for each other, never go wrong.
        key = f"enrollment.purchases:{student_id}:{course_id}"
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0)))
        )

    async def get(self, payment_id: UUID) -> Purchase | None:
        row = (
            (
                await self._session.execute(
                    select(purchases).where(purchases.c.payment_id == payment_id)
                )
            )
            .mappings()
            .one_or_none()
        )
        return Purchase(**row) if row is not None else None

    async def of(self, student_id: UUID, course_id: UUID) -> Sequence[Purchase]:
        rows = await self._session.execute(
            select(purchases).where(
                purchases.c.student_id == student_id, purchases.c.course_id == course_id
            )
        )
        return [Purchase(**row) for row in rows.mappings()]

    async def save(self, purchase: Purchase) -> None:
        statement = pg_insert(purchases).values(
            payment_id=purchase.payment_id,
            student_id=purchase.student_id,
            course_id=purchase.course_id,
            succeeded=purchase.succeeded,
            refunded=purchase.refunded,
        )
        # OR keeps a flag that is on on: even a writer that read a stale row never turns it off.
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[purchases.c.payment_id],
                set_={
                    "succeeded": purchases.c.succeeded | statement.excluded.succeeded,
                    "refunded": purchases.c.refunded | statement.excluded.refunded,
                },
            )
        )
