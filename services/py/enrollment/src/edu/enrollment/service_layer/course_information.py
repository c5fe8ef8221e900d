"""Where enrollment learns about courses: its local read model first, the course service second.

Both sources reach the read model through :meth:`CourseInformation.remember` (course events
through entrypoints/course_events.py, the course service through :meth:`fetch`), so both obey
the same version guard. See docs/architecture/adr/0004-enrollment-course-data.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from uuid import UUID

from edu.common.problems import NotFound
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.service_layer.ports import CourseDirectory, UnitOfWorkFactory


class CourseInformation:
    def __init__(self, uow: UnitOfWorkFactory, directory: CourseDirectory) -> None:
        self._uow = uow
        self._directory = directory

    async def outline(self, course_id: UUID) -> CourseOutline:
        """The course's outline from the read model, else fetched from the course service."""
        async with self._uow() as uow:
            known = await uow.outlines.get(course_id)
        return known or await self.fetch(course_id)

    async def outlines(self, course_ids: Iterable[UUID]) -> Mapping[UUID, CourseOutline]:
        wanted = set(course_ids)
        async with self._uow() as uow:
            found = dict(await uow.outlines.get_many(wanted))
        for missing in wanted - found.keys():
            found[missing] = await self.fetch(missing)
        return found

    async def fetch(self, course_id: UUID) -> CourseOutline:
        """Ask the course service and keep the answer (a draft too) in the read model."""
        fetched = await self._directory.fetch_outline(course_id)
        if fetched is None:
            raise NotFound("There is no course with this id.")
        await self.remember(fetched)
        return fetched

    async def remember(self, outline: CourseOutline) -> bool:
        """Keep ``outline`` unless a newer one is known (events may arrive in any order)."""
        async with self._uow() as uow:
            kept = await uow.outlines.store(outline)
            await uow.commit()
        return kept
