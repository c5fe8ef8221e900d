"""A teacher's courses with their counts, and one course's dashboard.

Only course is required: it says whether the course is the caller's (404 otherwise, with the
same words as a course that does not exist). Every other section is read side by side, each
within ``section_timeout`` seconds; one that fails or takes too long is marked unavailable
with the reason, and the others are shown as they are.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar
from uuid import UUID

from edu.auth.bearer import require_role
from edu.auth.principal import TEACHER, Principal
from edu.common.problems import NotFound
from edu.teacher_tools.domain.dashboard import (
    CourseDashboard,
    CourseOverview,
    CourseRef,
    EnrolmentFigures,
    HeldItem,
    QuestionsFound,
    Section,
)
from edu.teacher_tools.domain.questions import unanswered_questions
from edu.teacher_tools.service_layer.ports import (
    CourseDirectory,
    CourseServiceUnavailable,
    EnrolmentFiguresReader,
    HeldItems,
    QaHistory,
    UpstreamUnavailable,
)

T = TypeVar("T")
U = TypeVar("U")
NOT_YOURS = "You have no course with this id."
NEVER_PUBLISHED = QuestionsFound(questions=())


class Dashboards:
    def __init__(
        self,
        courses: CourseDirectory,
        qa: QaHistory,
        held: HeldItems,
        figures: EnrolmentFiguresReader,
        *,
        section_timeout: float = 3.0,
        max_pages: int = 20,
        concurrency: int = 4,
    ) -> None:
        self._courses = courses
        self._qa = qa
        self._held = held
        self._figures = figures
        self._timeout = section_timeout
        self._max_pages = max_pages
        self._concurrency = concurrency

    async def course_dashboard(
        self, teacher: Principal, token: str, course_id: UUID
    ) -> CourseDashboard:
        """One of the caller's courses: its unanswered questions, held items and figures."""
        require_role(teacher, TEACHER)
        course = await _from_course(self._courses.own_course(token, course_id))
        if course is None:
            raise NotFound(NOT_YOURS)
        unanswered, held, figures = await asyncio.gather(
            self._unanswered(token, course),
            self._section(self._held_of(token, course.id)),
            self._section(self._figures.figures([course.id])),
        )
        enrolment = _mapped(figures, lambda by_course: by_course[course.id])
        return CourseDashboard(course, unanswered=unanswered, held=held, enrolment=enrolment)

    async def overview(self, teacher: Principal, token: str) -> list[CourseOverview]:
        """The caller's courses, each with how many questions wait and items are held, and
        its enrolment figures."""
        require_role(teacher, TEACHER)
        courses = await _from_course(self._courses.own_courses(token))
        gate = asyncio.Semaphore(self._concurrency)

        async def unanswered_count(course: CourseRef) -> Section[int]:
            async with gate:
                found = await self._unanswered(token, course)
            return _mapped(found, lambda value: len(value.questions))

        held_all, figures, per_course = await asyncio.gather(
            self._section(self._held_of(token, None)),
            self._section(self._figures.figures([course.id for course in courses])),
            asyncio.gather(*(unanswered_count(course) for course in courses)),
        )
        counts = _mapped(held_all, lambda items: Counter(item.course_id for item in items))
        return [
            CourseOverview(
                course=course,
                unanswered=unanswered,
                held=_count_of(counts, course),
                enrolment=_figures_of(figures, course),
            )
            for course, unanswered in zip(courses, per_course, strict=True)
        ]

    async def _unanswered(self, token: str, course: CourseRef) -> Section[QuestionsFound]:
        if not course.may_have_questions:
            return Section.of(NEVER_PUBLISHED)

        async def read() -> QuestionsFound:
            found = await self._qa.posts(token, course.id, max_pages=self._max_pages)
            return QuestionsFound(unanswered_questions(found.posts), complete=found.complete)

        return await self._section(read())

    async def _held_of(self, token: str, course_id: str | None) -> Sequence[HeldItem]:
        items = await self._held.held(token, course_id, max_pages=self._max_pages)
        return sorted(items, key=lambda item: (item.submitted_at, item.id))

    async def _section(self, work: Awaitable[T]) -> Section[T]:
        try:
            async with asyncio.timeout(self._timeout):
                return Section.of(await work)
        except UpstreamUnavailable as exc:
            return Section.unavailable(str(exc))
        except TimeoutError:
            return Section.unavailable(f"no answer within {self._timeout:g} s")


def _mapped(section: Section[T], change: Callable[[T], U]) -> Section[U]:
    if section.value is None:
        return Section.unavailable(section.reason or "unavailable")
    return Section.of(change(section.value))


def _count_of(counts: Section[Counter[str]], course: CourseRef) -> Section[int]:
    return _mapped(counts, lambda by_course: by_course[course.id])


def _figures_of(
    figures: Section[Mapping[str, EnrolmentFigures]], course: CourseRef
) -> Section[EnrolmentFigures]:
    return _mapped(figures, lambda by_course: by_course[course.id])


async def _from_course(work: Awaitable[T]) -> T:
    try:
        return await work
    except UpstreamUnavailable as exc:
        raise CourseServiceUnavailable(
            f"course cannot say whose course this is right now ({exc.reason}); retry shortly."
        ) from exc
