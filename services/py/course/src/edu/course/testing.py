"""In-memory doubles of the course ports (``Fake<Port>``), for tests: course's and the seed's.

``FakeCourseDatabase`` plays the database: each ``unit_of_work()`` works on copies and only a
commit makes its changes (and outbox events) visible, as a real transaction would. Not shipped:
the wheel leaves this module out and no service code imports it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from uuid import UUID

from edu.common.problems import Conflict
from edu.course.domain.course import Course
from edu.course.domain.values import Level
from edu.course.service_layer.ports import (
    CataloguePage,
    CatalogueQuery,
    CourseSummary,
    RankedMatches,
    SearchUnavailable,
)
from edu.db.outbox.event import OutboxEvent
from edu.db.testing import FakeOutbox, FakeUnitOfWork


class FakeCourseDatabase:
    def __init__(self) -> None:
        self.courses: dict[UUID, Course] = {}
        self.outbox: list[OutboxEvent] = []
        self.commits = 0

    def unit_of_work(self) -> FakeCourseUnitOfWork:
        return FakeCourseUnitOfWork(self)


class FakeCourseRepository:
    def __init__(self, db: FakeCourseDatabase) -> None:
        self._db = db
        self.staged: dict[UUID, Course] = {}
        self._loaded_versions: dict[UUID, int] = {}

    async def add(self, course: Course) -> None:
        if course.id in self._db.courses:
            raise Conflict("duplicate course id")
        self.staged[course.id] = copy.deepcopy(course)

    async def get(self, course_id: UUID) -> Course | None:
        found = self.staged.get(course_id) or self._db.courses.get(course_id)
        if found is None:
            return None
        self._loaded_versions[course_id] = found.version
        return copy.deepcopy(found)

    async def save(self, course: Course) -> None:
        stored = self._db.courses.get(course.id)
        if stored is not None and stored.version != self._loaded_versions.get(course.id):
            raise Conflict("The course was changed by someone else; reload it and try again.")
        self.staged[course.id] = copy.deepcopy(course)

    async def list_by_teacher(self, teacher_id: UUID) -> Sequence[Course]:
        mine = [c for c in self._db.courses.values() if c.teacher_id == teacher_id]
        return sorted(mine, key=lambda c: c.created_at, reverse=True)


class FakeCourseUnitOfWork(FakeUnitOfWork):
    """Leaving without commit drops what was staged, like a rollback."""

    def __init__(self, db: FakeCourseDatabase) -> None:
        self._db = db
        self.courses = FakeCourseRepository(db)
        self.outbox = FakeOutbox()

    def _keep(self) -> None:
        for course in self.courses.staged.values():
            course.events.clear()
        self._db.courses.update(self.courses.staged)
        self._db.outbox.extend(self.outbox.events)
        self.courses.staged = {}
        self.outbox.events = []
        self._db.commits += 1


class FakeCatalogueSearch:
    """Filters like the real search; text matches case-insensitive words of title or summary."""

    def __init__(self, db: FakeCourseDatabase) -> None:
        self._db = db
        self.queries: list[CatalogueQuery] = []

    async def search(self, query: CatalogueQuery) -> CataloguePage:
        self.queries.append(query)
        hits = [c for c in self._db.courses.values() if c.is_published and _matches(c, query)]
        hits.sort(key=lambda c: c.published_at or c.created_at, reverse=True)
        start = (query.page - 1) * query.page_size
        page = [_summary(c) for c in hits[start : start + query.page_size]]
        return CataloguePage(page, len(hits), query.page, query.page_size)

    async def published_in_order(
        self, course_ids: Sequence[UUID], query: CatalogueQuery
    ) -> list[CourseSummary]:
        unfiltered = CatalogueQuery(teacher_id=query.teacher_id, level=query.level, tag=query.tag)
        courses = [self._db.courses.get(course_id) for course_id in course_ids]
        return [
            _summary(c)
            for c in courses
            if c is not None and c.is_published and _matches(c, unfiltered)
        ]


class FakeSearchRanking:
    """The search service's ranking: answers ``ranking`` (ids best first) sliced as asked, or
    raises ``SearchUnavailable`` while ``failure`` is set; keeps every request in ``asked``."""

    def __init__(self, ranking: Sequence[UUID] = ()) -> None:
        self.ranking = list(ranking)
        self.failure: str | None = None
        self.asked: list[dict[str, object]] = []

    async def ranked(
        self, text: str, *, level: Level | None, tag: str | None, offset: int, limit: int
    ) -> RankedMatches:
        self.asked.append(
            {"text": text, "level": level, "tag": tag, "offset": offset, "limit": limit}
        )
        if self.failure is not None:
            raise SearchUnavailable(self.failure)
        return RankedMatches(self.ranking[offset : offset + limit], len(self.ranking))


def _matches(course: Course, query: CatalogueQuery) -> bool:
    details = course.details
    words = f"{details.title} {details.summary}".lower().split()
    return (
        (query.teacher_id is None or course.teacher_id == query.teacher_id)
        and (query.level is None or details.level is query.level)
        and (query.tag is None or query.tag in details.tags)
        and (query.text is None or all(w in words for w in query.text.lower().split()))
    )


def _summary(course: Course) -> CourseSummary:
    return CourseSummary(
        id=course.id,
        teacher_id=course.teacher_id,
        title=course.details.title,
        summary=course.details.summary,
        level=course.details.level,
        tags=course.details.tags,
        lesson_count=len(course.lessons),
        total_minutes=sum(lesson.content.estimated_minutes for lesson in course.lessons),
        published_at=course.published_at or course.created_at,
        price=course.price,
    )
