"""In-memory doubles of moderation's ports, for unit tests (never shipped: see pyproject)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from edu.db.outbox.event import OutboxEvent
from edu.db.testing import FakeOutbox, FakeUnitOfWork
from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.domain.repeats import PriorPost


class FakeItemRepository:
    def __init__(self) -> None:
        self.items: dict[UUID, ModerationItem] = {}
        self.fail_adds = False  # True: the database "goes away" on the next add

    async def get(self, item_id: UUID) -> ModerationItem | None:
        return copy.deepcopy(self.items.get(item_id))

    async def by_source_event(self, event_id: UUID) -> ModerationItem | None:
        found = [item for item in self.items.values() if item.source_event_id == event_id]
        return copy.deepcopy(found[0]) if found else None

    async def latest_for_subject(self, kind: ItemKind, subject_id: str) -> ModerationItem | None:
        found = [i for i in self.items.values() if i.kind is kind and i.subject_id == subject_id]
        found.sort(key=lambda item: (item.subject_version, item.submitted_at))
        return copy.deepcopy(found[-1]) if found else None

    async def posts_by_author(
        self, author_id: str, since: datetime, until: datetime
    ) -> list[PriorPost]:
        return [
            PriorPost(item.text, item.submitted_at)
            for item in self.items.values()
            if item.author_id == author_id
            and item.kind.is_post
            and since <= item.submitted_at <= until
        ]

    async def awaiting_review(
        self, course_ids: Sequence[str] | None, *, limit: int, offset: int
    ) -> list[ModerationItem]:
        held = sorted(
            (
                item
                for item in self.items.values()
                if item.awaits_review and (course_ids is None or item.course_id in course_ids)
            ),
            key=lambda item: (item.submitted_at, item.id),
        )
        return copy.deepcopy(held[offset : offset + limit])

    async def add(self, item: ModerationItem) -> None:
        if self.fail_adds:
            raise ConnectionError("fake database told to fail")
        if any(i.source_event_id == item.source_event_id for i in self.items.values()):
            raise AssertionError("unique violation: source_event_id")
        self.items[item.id] = copy.deepcopy(item)

    async def save(self, item: ModerationItem) -> None:
        self.items[item.id] = copy.deepcopy(item)


class FakeCourseOwners:
    def __init__(self) -> None:
        self.owners: dict[str, tuple[str, int]] = {}

    async def remember(self, course_id: str, teacher_id: str, version: int) -> None:
        known = self.owners.get(course_id)
        if known is None or known[1] < version:
            self.owners[course_id] = (teacher_id, version)

    async def teacher_of(self, course_id: str) -> str | None:
        known = self.owners.get(course_id)
        return known[0] if known else None

    async def courses_of(self, teacher_id: str) -> list[str]:
        return sorted(c for c, (teacher, _) in self.owners.items() if teacher == teacher_id)


class FakeModerationUnitOfWork(FakeUnitOfWork):
    """One shared store; work done inside ``async with`` is kept only on commit."""

    def __init__(self) -> None:
        self.items = FakeItemRepository()
        self.courses = FakeCourseOwners()
        self.outbox = FakeOutbox()
        self._kept_items: dict[UUID, ModerationItem] = {}
        self._kept_owners: dict[str, tuple[str, int]] = {}
        self._kept_events: list[OutboxEvent] = []

    def _begin(self) -> None:
        self._keep()

    def _keep(self) -> None:
        self._kept_items = copy.deepcopy(self.items.items)
        self._kept_owners = dict(self.courses.owners)
        self._kept_events = list(self.outbox.events)

    def _discard(self) -> None:
        self.items.items = copy.deepcopy(self._kept_items)
        self.courses.owners = dict(self._kept_owners)
        self.outbox.events = list(self._kept_events)

    def held(self) -> list[ModerationItem]:
        return [item for item in self.items.items.values() if item.outcome is Outcome.HOLD]
