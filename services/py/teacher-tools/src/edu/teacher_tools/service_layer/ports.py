"""The upstreams a dashboard reads, as ports. Each call carries the calling teacher's own
access token: every upstream decides for itself what this teacher may see."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from edu.common.problems import DomainError
from edu.db.ports import UnitOfWork
from edu.teacher_tools.domain.dashboard import CourseRef, EnrolmentFigures, HeldItem
from edu.teacher_tools.domain.questions import Post


class UpstreamUnavailable(Exception):
    """An upstream gave no usable answer: refused, timed out, 5xx, a body we cannot read, or a
    refusal of this teacher that is its own business (messaging not knowing the course yet)."""

    def __init__(self, upstream: str, reason: str) -> None:
        super().__init__(f"{upstream}: {reason}")
        self.upstream = upstream
        self.reason = reason


class CourseServiceUnavailable(DomainError):
    """Without course nobody can say whose course it is: the one section we cannot do without."""

    status = 503
    slug = "unavailable"
    title = "Service unavailable"
    retry_after = 5


@dataclass(frozen=True)
class PostsRead:
    """The posts of a course's Q&A history read, and whether that was all of it."""

    posts: Sequence[Post]
    complete: bool = True


class CourseDirectory(Protocol):
    async def ping(self) -> None:
        """Raise unless course answers (readiness)."""
        ...

    async def own_courses(self, token: str) -> Sequence[CourseRef]:
        """The token's teacher's courses, drafts included. Raises Unauthenticated or
        PermissionDenied as course answers, UpstreamUnavailable when it does not."""
        ...

    async def own_course(self, token: str, course_id: UUID) -> CourseRef | None:
        """The course if it is the token's teacher's own; None when it is not (or does not
        exist). Raises as ``own_courses``."""
        ...


class QaHistory(Protocol):
    async def posts(self, token: str, course_id: str, *, max_pages: int) -> PostsRead:
        """The course's Q&A history as its teacher sees it, page after page up to
        ``max_pages``. Raises UpstreamUnavailable."""
        ...


class HeldItems(Protocol):
    async def held(
        self, token: str, course_id: str | None, *, max_pages: int
    ) -> Sequence[HeldItem]:
        """What moderation holds for the token's teacher to decide: one course's, or every
        course's with None. Raises UpstreamUnavailable."""
        ...


class EnrolmentFiguresReader(Protocol):
    async def ping(self) -> None:
        """Raise unless the read model answers (readiness)."""
        ...

    async def figures(self, course_ids: Iterable[str]) -> Mapping[str, EnrolmentFigures]:
        """Each course's figures (zeros for one nobody enrolled in). Raises
        UpstreamUnavailable when the read model cannot be read."""
        ...


class EnrolmentRepository(Protocol):
    async def enrolled(self, enrollment_id: str, course_id: str) -> None:
        """Keep the enrolment (again: nothing changes)."""
        ...

    async def completed(self, enrollment_id: str, course_id: str) -> None:
        """Mark the enrolment completed, keeping it first if it was not known yet."""
        ...


class TeacherToolsUnitOfWork(UnitOfWork, Protocol):
    @property
    def enrolments(self) -> EnrolmentRepository: ...
