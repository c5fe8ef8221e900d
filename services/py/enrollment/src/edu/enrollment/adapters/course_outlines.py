"""The course read model in PostgreSQL: one snapshot per course, newest version wins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from sqlalchemy import RowMapping, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.enrollment.adapters.orm import course_outlines
from edu.enrollment.domain.course_outline import CourseOutline, CoursePrice


class SqlAlchemyCourseOutlines:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, course_id: UUID) -> CourseOutline | None:
        return (await self.get_many([course_id])).get(course_id)

    async def get_many(self, course_ids: Iterable[UUID]) -> Mapping[UUID, CourseOutline]:
        wanted = list(course_ids)
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(course_outlines).where(course_outlines.c.course_id.in_(wanted))
        )
        return {row["course_id"]: _outline(row) for row in rows.mappings()}

    async def store(self, outline: CourseOutline) -> bool:
        statement = pg_insert(course_outlines).values(
            course_id=outline.course_id,
            title=outline.title,
            published=outline.published,
            lesson_ids=sorted(outline.lesson_ids),
            version=outline.version,
            price_currency_code=outline.price.currency_code if outline.price else None,
            price_amount_minor=outline.price.amount_minor if outline.price else None,
        )
        # The version guard makes replays and out-of-order deliveries harmless.
        kept = await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[course_outlines.c.course_id],
                set_={
                    name: statement.excluded[name]
                    for name in (
                        "title",
                        "published",
                        "lesson_ids",
                        "version",
                        "price_currency_code",
                        "price_amount_minor",
                    )
                },
                where=course_outlines.c.version < statement.excluded.version,
            ).returning(course_outlines.c.course_id)
        )
        return kept.scalar_one_or_none() is not None


def _outline(row: RowMapping) -> CourseOutline:
    return CourseOutline(
        course_id=row["course_id"],
        title=row["title"],
        published=row["published"],
        lesson_ids=frozenset(row["lesson_ids"]),
        version=row["version"],
        price=CoursePrice.of(row["price_currency_code"] or "", row["price_amount_minor"] or 0),
    )
