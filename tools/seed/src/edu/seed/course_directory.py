"""enrollment's CourseDirectory port answered in-process by the course service's catalogue.

When the services run, enrollment asks the course service over HTTP (or its read model, fed by
course events, already knows). The seed runs both use-case layers in one process, so it hands
enrollment this adapter instead: the same question, answered by course's own `Catalogue`.
"""

from __future__ import annotations

from uuid import UUID

from edu.common.problems import NotFound
from edu.course.service_layer.catalogue import Catalogue
from edu.enrollment.domain.course_outline import CourseOutline


class CatalogueCourseDirectory:
    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    async def fetch_outline(self, course_id: UUID) -> CourseOutline | None:
        try:
            course = await self._catalogue.published_course(course_id)
        except NotFound:
            return None
        return CourseOutline(
            course_id=course.id,
            title=course.details.title,
            published=course.is_published,
            lesson_ids=frozenset(course.lesson_ids),
            version=course.version,
        )
