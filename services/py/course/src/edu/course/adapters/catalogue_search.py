"""The public catalogue query: published courses, filters, PostgreSQL full-text search, pages."""

from __future__ import annotations

from sqlalchemy import ColumnElement, RowMapping, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.course.adapters.orm import courses, lessons
from edu.course.domain.values import Level
from edu.course.service_layer.ports import CataloguePage, CatalogueQuery, CourseSummary

# The text search configuration of the generated search vector (see orm.py).
SEARCH_CONFIG = "english"


class SqlAlchemyCatalogueSearch:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def search(self, query: CatalogueQuery) -> CataloguePage:
        conditions: list[ColumnElement[bool]] = [courses.c.status == "published"]
        if query.teacher_id is not None:
            conditions.append(courses.c.teacher_id == query.teacher_id)
        if query.level is not None:
            conditions.append(courses.c.level == query.level.value)
        if query.tag is not None:
            conditions.append(courses.c.tags.contains([query.tag]))
        rank = None
        if query.text:
            # websearch_to_tsquery reads what people type ("rust -beginner", "quoted phrases")
            # and, unlike to_tsquery, never fails on odd input.
            tsquery = func.websearch_to_tsquery(SEARCH_CONFIG, query.text)
            conditions.append(courses.c.search_vector.bool_op("@@")(tsquery))
            rank = func.ts_rank(courses.c.search_vector, tsquery)
        async with self._sessions() as session:
            total = await session.scalar(
                select(func.count()).select_from(courses).where(*conditions)
            )
            rows = await session.execute(
                _page(conditions, rank, query)
                .offset((query.page - 1) * query.page_size)
                .limit(query.page_size)
            )
            items = [_summary(row) for row in rows.mappings()]
        return CataloguePage(items, total or 0, query.page, query.page_size)


def _page(
    conditions: list[ColumnElement[bool]], rank: ColumnElement[float] | None, query: CatalogueQuery
) -> Select[tuple[object, ...]]:
    stats = (
        select(
            lessons.c.course_id,
            func.count().label("lesson_count"),
            func.sum(lessons.c.estimated_minutes).label("total_minutes"),
        )
        .group_by(lessons.c.course_id)
        .subquery()
    )
    order = [courses.c.published_at.desc(), courses.c.id]
    if rank is not None:
        order.insert(0, rank.desc())
    return (
        select(
            courses.c.id,
            courses.c.teacher_id,
            courses.c.title,
            courses.c.summary,
            courses.c.level,
            courses.c.tags,
            courses.c.published_at,
            func.coalesce(stats.c.lesson_count, 0).label("lesson_count"),
            func.coalesce(stats.c.total_minutes, 0).label("total_minutes"),
        )
        .outerjoin(stats, stats.c.course_id == courses.c.id)
        .where(*conditions)
        .order_by(*order)
    )


def _summary(values: RowMapping) -> CourseSummary:
    return CourseSummary(
        id=values["id"],
        teacher_id=values["teacher_id"],
        title=values["title"],
        summary=values["summary"],
        level=Level(values["level"]),
        tags=tuple(values["tags"]),
        lesson_count=int(values["lesson_count"]),
        total_minutes=int(values["total_minutes"]),
        published_at=values["published_at"],
    )
