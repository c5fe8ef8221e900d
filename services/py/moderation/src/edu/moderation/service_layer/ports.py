"""The ports moderation's use cases need; the unit of work carries the repositories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from edu.db.ports import OutboxUnitOfWork
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.domain.repeats import PriorPost


class ItemRepository(Protocol):
    async def get(self, item_id: UUID) -> ModerationItem | None: ...

    async def by_source_event(self, event_id: UUID) -> ModerationItem | None: ...

    async def latest_for_subject(self, kind: ItemKind, subject_id: str) -> ModerationItem | None:
        """The newest item about the same question, answer or course."""
        ...

    async def posts_by_author(
        self, author_id: str, since: datetime, until: datetime
    ) -> list[PriorPost]:
        """The author's questions and answers submitted in ``[since, until]``."""
        ...

    async def awaiting_review(
        self, course_ids: Sequence[str] | None, *, limit: int, offset: int
    ) -> list[ModerationItem]:
        """Held items nobody decided yet, oldest first; ``None``: of every course."""
        ...

    async def add(self, item: ModerationItem) -> None: ...

    async def save(self, item: ModerationItem) -> None:
        """Store a reviewed item's decision."""
        ...


class CourseOwners(Protocol):
    """Which teacher owns which course, from course's events (the newest version wins)."""

    async def remember(self, course_id: str, teacher_id: str, version: int) -> None: ...

    async def teacher_of(self, course_id: str) -> str | None: ...

    async def courses_of(self, teacher_id: str) -> list[str]: ...


class ModerationUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def items(self) -> ItemRepository: ...

    @property
    def courses(self) -> CourseOwners: ...


UnitOfWorkFactory = Callable[[], ModerationUnitOfWork]
