"""The public catalogue query: published courses, filters, PostgreSQL full-text search, pages.

It is the platform's hottest read, so it is lean (ADR 0009). One statement, one round trip: the
page is chosen first (with the total as a window count over every match), and lesson counts and
minutes are summed for that page's courses only, through the lessons' course index. Statements
are written in SQLAlchemy Core and compiled once per combination of filters; a search sends the
compiled SQL straight to the driver connection: no ORM session, no BEGIN/ROLLBACK around a
single read, no per-request statement building (which cost more CPU than PostgreSQL spends).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    any_,
    bindparam,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from edu.course.adapters.course_repository import price_of
from edu.course.adapters.orm import courses, lessons
from edu.course.domain.values import Level
from edu.course.service_layer.ports import CataloguePage, CatalogueQuery, CourseSummary

# The text search configuration of the generated search vector (see orm.py).
SEARCH_CONFIG = "english"
ASYNCPG = PGDialect_asyncpg()  # type: ignore[no-untyped-call]  # unannotated in SQLAlchemy


class SqlAlchemyCatalogueSearch:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        bind = session_factory.kw.get("bind")
        if not isinstance(bind, AsyncEngine | AsyncConnection):
            raise TypeError("the catalogue reads through sessions bound to an engine or connection")
        # An engine lends a pooled connection per search; a connection (tests) is used as it
        # is, inside whatever transaction it holds.
        self._bind: AsyncEngine | AsyncConnection = bind

    async def search(self, query: CatalogueQuery) -> CataloguePage:
        params = _filter_params(query)
        if query.text:
            params["text"] = query.text
        filters = frozenset(params)
        params["limit"] = query.page_size
        params["offset"] = (query.page - 1) * query.page_size
        rows = await self._fetch(_compiled(_page(filters)), params)
        if rows:
            total = int(rows[0]["total"])
        else:  # past the last page the window count has no row to ride on: count alone
            [count] = await self._fetch(_compiled(_count(filters)), params)
            total = int(count[0])
        return CataloguePage([_summary(row) for row in rows], total, query.page, query.page_size)

    async def published_in_order(
        self, course_ids: Sequence[UUID], query: CatalogueQuery
    ) -> list[CourseSummary]:
        """The search service's ranked ids read back with course's filters, in rank order."""
        if not course_ids:
            return []
        params = _filter_params(query)
        filters = frozenset(params)
        params["ids"] = list(course_ids)
        rows = await self._fetch(_compiled(_in_order(filters)), params)
        position = {course_id: index for index, course_id in enumerate(course_ids)}
        return sorted((_summary(row) for row in rows), key=lambda found: position[found.id])

    async def _fetch(self, query: CompiledQuery, params: Mapping[str, object]) -> list[Any]:
        if isinstance(self._bind, AsyncConnection):
            return await query.fetch(self._bind, params)
        async with self._bind.connect() as conn:
            return await query.fetch(conn, params)


@dataclass(frozen=True)
class CompiledQuery:
    """SQL for asyncpg ($1, $2, ...) and the bound parameters' names in that order."""

    sql: str
    names: tuple[str, ...]
    constants: dict[str, object]

    async def fetch(self, conn: AsyncConnection, params: Mapping[str, object]) -> list[Any]:
        """asyncpg Records (mappings by column name) of the statement on ``conn``."""
        driver = (await conn.get_raw_connection()).driver_connection
        if driver is None:
            raise RuntimeError("the pooled connection has no driver connection")
        values = [params.get(name, self.constants.get(name)) for name in self.names]
        rows: list[Any] = await driver.fetch(self.sql, *values)
        return rows


@functools.cache
def _compiled(statement: Select[Any]) -> CompiledQuery:
    compiled = statement.compile(dialect=ASYNCPG)
    return CompiledQuery(
        compiled.string,
        tuple(compiled.positiontup or ()),
        dict(compiled.construct_params(_check=False)),
    )


def _filter_params(query: CatalogueQuery) -> dict[str, object]:
    params: dict[str, object] = {}
    if query.teacher_id is not None:
        params["teacher_id"] = query.teacher_id
    if query.level is not None:
        params["level"] = query.level.value
    if query.tag is not None:
        params["tag"] = [query.tag]
    return params


def _conditions(filters: frozenset[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [courses.c.status == "published"]
    if "teacher_id" in filters:
        conditions.append(courses.c.teacher_id == bindparam("teacher_id"))
    if "level" in filters:
        conditions.append(courses.c.level == bindparam("level"))
    if "tag" in filters:
        conditions.append(courses.c.tags.contains(bindparam("tag", type_=courses.c.tags.type)))
    if "text" in filters:
        conditions.append(courses.c.search_vector.bool_op("@@")(_tsquery()))
    return conditions


def _tsquery() -> ColumnElement[object]:
    # websearch_to_tsquery reads what people type ("rust -beginner", "quoted phrases") and,
    # unlike to_tsquery, never fails on odd input.
    return func.websearch_to_tsquery(SEARCH_CONFIG, bindparam("text", type_=String))


# What a catalogue entry shows of a course's row.
_LISTED = (
    courses.c.id,
    courses.c.teacher_id,
    courses.c.title,
    courses.c.summary,
    courses.c.level,
    courses.c.tags,
    courses.c.published_at,
    courses.c.price_currency_code,
    courses.c.price_amount_minor,
)


@functools.cache
def _count(filters: frozenset[str]) -> Select[int]:
    return select(func.count()).select_from(courses).where(*_conditions(filters))


@functools.cache
def _page(filters: frozenset[str]) -> Select[tuple[object, ...]]:
    """The page query for one combination of filters, built once: building a statement costs
    more CPU than PostgreSQL spends running it (values arrive as bound parameters)."""
    rank = func.ts_rank(courses.c.search_vector, _tsquery()) if "text" in filters else None
    order = [courses.c.published_at.desc(), courses.c.id]
    if rank is not None:
        order.insert(0, rank.desc())
    page = (
        select(
            *_LISTED,
            func.count().over().label("total"),
            *([rank.label("rank")] if rank is not None else []),
        )
        .where(*_conditions(filters))
        .order_by(*order)
        .offset(bindparam("offset", type_=Integer))
        .limit(bindparam("limit", type_=Integer))
        .cte("page")
    )
    stats = _stats(page.c.id)
    page_order = [page.c.published_at.desc(), page.c.id]
    if rank is not None:
        page_order.insert(0, page.c.rank.desc())
    return (
        select(page, stats.c.lesson_count, stats.c.total_minutes)
        .select_from(page.outerjoin(stats, true()))
        .order_by(*page_order)
    )


def _stats(course_id: ColumnElement[Any]) -> Any:
    """Lesson count and minutes of one course, through the lessons' course index."""
    return (
        select(
            func.count().label("lesson_count"),
            func.coalesce(func.sum(lessons.c.estimated_minutes), 0).label("total_minutes"),
        )
        .where(lessons.c.course_id == course_id)
        .lateral("stats")
    )


@functools.cache
def _in_order(filters: frozenset[str]) -> Select[tuple[object, ...]]:
    """The published courses among the bound ``ids`` passing the filters (order: the caller's)."""
    ids = bindparam("ids", type_=ARRAY(courses.c.id.type))
    chosen = select(*_LISTED).where(*_conditions(filters), courses.c.id == any_(ids)).cte("chosen")
    stats = _stats(chosen.c.id)
    return select(chosen, stats.c.lesson_count, stats.c.total_minutes).select_from(
        chosen.outerjoin(stats, true())
    )


def _summary(values: Mapping[str, Any]) -> CourseSummary:
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
        price=price_of(values),
    )
