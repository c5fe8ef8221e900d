"""The public side: browse and search published courses, read a published course.

Words (``q``) are ranked by the search service when course knows its URL (ADR 0025: typo
tolerance, popularity, freshness): it answers the ids in rank order and the page is read from
PostgreSQL in that order, with course's own filters applied. When search cannot answer, the
catalogue searches by itself (PostgreSQL full-text) and says so in the log: never a 500.
"""

from __future__ import annotations

import logging
from uuid import UUID

from edu.common.problems import NotFound
from edu.course.domain.course import Course, Lesson
from edu.course.service_layer.ports import (
    CataloguePage,
    CatalogueQuery,
    CatalogueRanking,
    CatalogueSearch,
    SearchUnavailable,
    UnitOfWorkFactory,
)

logger = logging.getLogger("edu.course.catalogue")

# A teacher's courses are filtered here, not by search: the search among search's best this many.
TEACHER_CANDIDATES = 1_000


class Catalogue:
    """What anyone may see: only published courses exist here."""

    def __init__(
        self,
        search: CatalogueSearch,
        uow: UnitOfWorkFactory,
        ranking: CatalogueRanking | None = None,
    ) -> None:
        self._search = search
        self._uow = uow
        self._ranking = ranking

    async def browse(self, query: CatalogueQuery) -> CataloguePage:
        """One page of published courses matching the filters."""
        if query.text and self._ranking is not None:
            try:
                return await self._ranked(self._ranking, query, query.text)
            except SearchUnavailable as error:
                logger.warning(
                    "search did not answer; the catalogue searched PostgreSQL itself: %s",
                    error,
                    extra={"event": "catalogue_search_fallback", "reason": str(error)},
                )
        return await self._search.search(query)

    async def _ranked(
        self, ranking: CatalogueRanking, query: CatalogueQuery, text: str
    ) -> CataloguePage:
        start = (query.page - 1) * query.page_size
        if query.teacher_id is None:
            # Level and tag are search's filters too: its slice is this page, its total ours.
            matches = await ranking.ranked(
                text, level=query.level, tag=query.tag, offset=start, limit=query.page_size
            )
            items = await self._search.published_in_order(matches.course_ids, query)
            return CataloguePage(items, matches.total, query.page, query.page_size)
        matches = await ranking.ranked(
            text, level=query.level, tag=query.tag, offset=0, limit=TEACHER_CANDIDATES
        )
        mine = await self._search.published_in_order(matches.course_ids, query)
        page = mine[start : start + query.page_size]
        return CataloguePage(page, len(mine), query.page, query.page_size)

    async def published_course(self, course_id: UUID) -> Course:
        """A published course with its lesson outline; drafts are NotFound."""
        async with self._uow() as uow:
            course = await uow.courses.get(course_id)
        if course is None or not course.is_published:
            raise NotFound("There is no published course with this id.")
        return course

    async def published_lesson(self, course_id: UUID, lesson_id: UUID) -> Lesson:
        """One lesson of a published course, with its body."""
        course = await self.published_course(course_id)
        return course.lesson(lesson_id)
