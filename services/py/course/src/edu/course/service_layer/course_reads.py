"""Other services' reads of a course, draft or published (served over gRPC, never public).

Unlike the public catalogue, which pretends drafts do not exist, enrollment needs to know that
a course exists but is closed: its students keep completing lessons of an unpublished course.
"""

from __future__ import annotations

from uuid import UUID

from edu.common.problems import NotFound
from edu.course.domain.course import Course
from edu.course.service_layer.ports import UnitOfWorkFactory


class CourseReads:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def course(self, course_id: UUID) -> Course:
        """Any course with its lessons in order; NotFound when no course has this id."""
        async with self._uow() as uow:
            course = await uow.courses.get(course_id)
        if course is None:
            raise NotFound("There is no course with this id.")
        return course
