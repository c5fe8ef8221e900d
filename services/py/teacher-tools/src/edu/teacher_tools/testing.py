"""In-memory doubles of teacher-tools' ports, for unit tests (never shipped: see pyproject)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from uuid import UUID

from edu.common.problems import PermissionDenied
from edu.db.testing import FakeUnitOfWork
from edu.teacher_tools.domain.dashboard import CourseRef, EnrolmentFigures, HeldItem
from edu.teacher_tools.domain.questions import Post
from edu.teacher_tools.service_layer.ports import PostsRead, UpstreamUnavailable


class FakeCourseDirectory:
    """Courses by teacher token; ``down`` makes every call UpstreamUnavailable."""

    def __init__(self) -> None:
        self.courses: dict[str, list[CourseRef]] = {}
        self.down = False
        self.not_teachers: set[str] = set()

    def own(self, token: str, *courses: CourseRef) -> None:
        self.courses.setdefault(token, []).extend(courses)

    async def ping(self) -> None:
        self._answer()

    async def own_courses(self, token: str) -> Sequence[CourseRef]:
        self._answer(token)
        return list(self.courses.get(token, []))

    async def own_course(self, token: str, course_id: UUID) -> CourseRef | None:
        self._answer(token)
        return next((c for c in self.courses.get(token, []) if c.id == str(course_id)), None)

    def _answer(self, token: str | None = None) -> None:
        if self.down:
            raise UpstreamUnavailable("course", "ConnectError")
        if token in self.not_teachers:
            raise PermissionDenied("Only a teacher has a dashboard.")


class FakeQaHistory:
    """Posts by course id; courses in ``unknown`` refuse (messaging not knowing the course),
    ``down`` fails, ``hang`` answers only after 2 s (longer than any test's section timeout)."""

    def __init__(self) -> None:
        self.by_course: dict[str, list[Post]] = {}
        self.down = False
        self.hang = False
        self.unknown: set[str] = set()
        self.asked: list[str] = []
        self.complete = True

    async def posts(self, token: str, course_id: str, *, max_pages: int) -> PostsRead:
        self.asked.append(course_id)
        if self.hang:
            await asyncio.sleep(2)
        if self.down:
            raise UpstreamUnavailable("messaging", "answered 503")
        if course_id in self.unknown:
            raise UpstreamUnavailable(
                "messaging", "does not count you as this course's teacher yet"
            )
        return PostsRead(list(self.by_course.get(course_id, [])), complete=self.complete)


class FakeHeldItems:
    def __init__(self) -> None:
        self.items: list[HeldItem] = []
        self.down = False
        self.asked: list[str | None] = []

    async def held(
        self, token: str, course_id: str | None, *, max_pages: int
    ) -> Sequence[HeldItem]:
        self.asked.append(course_id)
        if self.down:
            raise UpstreamUnavailable("moderation", "ReadTimeout")
        return [i for i in self.items if course_id is None or i.course_id == course_id]


class FakeEnrolmentRepository:
    """Enrolments by id: (course id, completed)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, bool]] = {}

    async def enrolled(self, enrollment_id: str, course_id: str) -> None:
        self.rows.setdefault(enrollment_id, (course_id, False))

    async def completed(self, enrollment_id: str, course_id: str) -> None:
        self.rows[enrollment_id] = (course_id, True)

    def figures(self, course_id: str) -> EnrolmentFigures:
        mine = [done for course, done in self.rows.values() if course == course_id]
        return EnrolmentFigures(len(mine), sum(mine))


class FakeTeacherToolsUnitOfWork(FakeUnitOfWork):
    """One shared store; work done inside ``async with`` is kept only on commit."""

    def __init__(self) -> None:
        self.enrolments = FakeEnrolmentRepository()
        self._kept: dict[str, tuple[str, bool]] = {}

    def _begin(self) -> None:
        self._keep()

    def _keep(self) -> None:
        self._kept = dict(self.enrolments.rows)

    def _discard(self) -> None:
        self.enrolments.rows = dict(self._kept)


class FakeEnrolmentFigures:
    """The figures port over a fake unit of work's rows; ``down`` makes it unavailable."""

    def __init__(self, uow: FakeTeacherToolsUnitOfWork) -> None:
        self._uow = uow
        self.down = False

    async def ping(self) -> None:
        if self.down:
            raise ConnectionRefusedError("fake database told to be down")

    async def figures(self, course_ids: Iterable[str]) -> Mapping[str, EnrolmentFigures]:
        if self.down:
            raise UpstreamUnavailable("teacher-tools' database", "ConnectionRefusedError")
        return {course: self._uow.enrolments.figures(course) for course in course_ids}
