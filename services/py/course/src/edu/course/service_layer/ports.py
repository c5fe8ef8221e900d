"""The ports the course use cases need, as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from edu.course.domain.course import Course
from edu.course.domain.price import Price
from edu.course.domain.values import Level
from edu.db.ports import OutboxUnitOfWork


class CourseRepository(Protocol):
    async def add(self, course: Course) -> None:
        """Store a new course."""
        ...

    async def get(self, course_id: UUID) -> Course | None:
        """The course with its lessons in order, or None."""
        ...

    async def save(self, course: Course) -> None:
        """Store the changes of a course loaded by ``get``; Conflict if someone else saved first."""
        ...

    async def list_by_teacher(self, teacher_id: UUID) -> Sequence[Course]:
        """Every course of one teacher, newest first."""
        ...


class CourseUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def courses(self) -> CourseRepository: ...


UnitOfWorkFactory = Callable[[], CourseUnitOfWork]


@dataclass(frozen=True)
class CatalogueQuery:
    """Filters of the public catalogue; ``text`` is a full-text search over title and summary."""

    text: str | None = None
    teacher_id: UUID | None = None
    level: Level | None = None
    tag: str | None = None
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class CourseSummary:
    id: UUID
    teacher_id: UUID
    title: str
    summary: str
    level: Level
    tags: tuple[str, ...]
    lesson_count: int
    total_minutes: int
    published_at: datetime
    price: Price | None = None  # None: free


@dataclass(frozen=True)
class CataloguePage:
    items: Sequence[CourseSummary]
    total: int
    page: int
    page_size: int


class CatalogueSearch(Protocol):
    async def search(self, query: CatalogueQuery) -> CataloguePage:
        """Published courses matching ``query``: best text match first, else newest first."""
        ...

    async def published_in_order(
        self, course_ids: Sequence[UUID], query: CatalogueQuery
    ) -> Sequence[CourseSummary]:
        """The published courses among ``course_ids`` that pass ``query``'s filters (teacher,
        level, tag; its text is not looked at), in the order of ``course_ids``."""
        ...


class SearchUnavailable(Exception):
    """The search service gave no usable answer (down, slow, an error, an odd body)."""


@dataclass(frozen=True)
class RankedMatches:
    """One slice of the search service's ranking: course ids best first, and how many match."""

    course_ids: Sequence[UUID]
    total: int


class CatalogueRanking(Protocol):
    async def ranked(
        self, text: str, *, level: Level | None, tag: str | None, offset: int, limit: int
    ) -> RankedMatches:
        """Ids of the published courses matching ``text`` (and ``level``/``tag``), best first,
        from ``offset``; SearchUnavailable when the search service cannot answer."""
        ...
