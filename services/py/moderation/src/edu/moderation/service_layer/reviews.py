"""The review queue: teachers see and decide the held items of their own courses, admins
those of every course.

Authorization: a student (neither teacher nor admin) gets 403; an item of another teacher's
course answers 404 with the same words as one that does not exist, so ids are not probed.
Deciding is idempotent: the same decision again answers the item unchanged and sends nothing.
"""

from __future__ import annotations

from uuid import UUID

from edu.auth.principal import TEACHER, Principal
from edu.common.clock import Clock
from edu.common.problems import NotFound, PermissionDenied
from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.service_layer.outbox_events import decided
from edu.moderation.service_layer.ports import ModerationUnitOfWork, UnitOfWorkFactory

ADMIN = "admin"
MAX_PAGE = 100


class Reviews:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def queue(
        self, reviewer: Principal, course_id: str | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[ModerationItem]:
        """Held items awaiting a decision that ``reviewer`` may decide, oldest first."""
        _require_reviewer(reviewer)
        limit = max(1, min(limit, MAX_PAGE))
        async with self._uow() as uow:
            courses: list[str] | None
            if reviewer.has_role(ADMIN):
                courses = None if course_id is None else [course_id]
            else:
                own = await uow.courses.courses_of(str(reviewer.user_id))
                courses = own if course_id is None else [c for c in own if c == course_id]
            if courses == []:
                return []
            return await uow.items.awaiting_review(courses, limit=limit, offset=offset)

    async def get(self, reviewer: Principal, item_id: UUID) -> ModerationItem:
        """One item the reviewer may see (held now or decided by a person since)."""
        _require_reviewer(reviewer)
        async with self._uow() as uow:
            return await _visible(uow, reviewer, item_id)

    async def decide(self, reviewer: Principal, item_id: UUID, outcome: Outcome) -> ModerationItem:
        """Allow or reject a held item; the same decision again changes nothing."""
        _require_reviewer(reviewer)
        async with self._uow() as uow:
            item = await _visible(uow, reviewer, item_id)
            if item.review(outcome, reviewer.user_id, self._clock.now()):
                await uow.items.save(item)
                uow.outbox.add(decided(item, self._clock))
                await uow.commit()
            return item


def _require_reviewer(principal: Principal) -> None:
    if not (principal.has_role(ADMIN) or principal.has_role(TEACHER)):
        raise PermissionDenied("Only a teacher or an admin reviews held items.")


async def _visible(uow: ModerationUnitOfWork, reviewer: Principal, item_id: UUID) -> ModerationItem:
    item = await uow.items.get(item_id)
    if item is not None and item.was_held:
        if reviewer.has_role(ADMIN):
            return item
        if await uow.courses.teacher_of(item.course_id) == str(reviewer.user_id):
            return item
    raise NotFound("No held item with this id in a course of yours.")
