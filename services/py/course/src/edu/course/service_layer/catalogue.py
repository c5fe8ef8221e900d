"""The public side: browse and search published courses, read a published course."""

from __future__ import annotations

from uuid import UUID

from edu.common.problems import NotFound
from edu.course.domain.course import Course, Lesson
from edu.course.service_layer.ports import (
    CataloguePage,
    CatalogueQuery,
    CatalogueSearch,
    UnitOfWorkFactory,
)


class Catalogue:
    """What anyone may see: only published courses exist here."""

    def __init__(self, search: CatalogueSearch, uow: UnitOfWorkFactory) -> None:
        self._search = search
        self._uow = uow

    async def browse(self, query: CatalogueQuery) -> CataloguePage:
        """One page of published courses matching the filters."""
        return await self._search.search(query)

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
