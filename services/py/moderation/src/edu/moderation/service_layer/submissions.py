"""Moderating a submitted text, exactly once per event that brought it.

Everything one submission causes (the stored item with its decision, the ``moderation.decided``
event in the outbox) is written in one transaction, keyed by the id of the event that brought
the text: a redelivered event finds its item and changes nothing. The decision is a function
of the text, the time it was posted (the event's ``occurred_at``, not the clock) and the
author's earlier posts, so a message redelivered after a crash decides the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from edu.common.clock import Clock
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.service_layer.outbox_events import decided
from edu.moderation.service_layer.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Submission:
    """A text to check, as an event brought it."""

    event_id: UUID
    kind: ItemKind
    subject_id: str
    course_id: str
    author_id: str
    text: str
    posted_at: datetime
    subject_version: int = 0


@dataclass(frozen=True)
class CourseSnapshot:
    """Who owns a course at one version (from course.published/updated/unpublished)."""

    course_id: str
    teacher_id: str
    version: int


class Result(StrEnum):
    DECIDED = "decided"
    DUPLICATE = "duplicate"
    UNCHANGED = "unchanged"


class Submissions:
    def __init__(self, uow: UnitOfWorkFactory, moderator: Moderator, clock: Clock) -> None:
        self._uow = uow
        self._moderator = moderator
        self._clock = clock

    async def moderate(
        self, submission: Submission, owner: CourseSnapshot | None = None
    ) -> tuple[Result, ModerationItem | None]:
        """Check ``submission`` once and announce the decision; ``owner`` also updates who
        owns the course. A course whose text is what was last checked is not checked again."""
        async with self._uow() as uow:
            if owner is not None:
                await uow.courses.remember(owner.course_id, owner.teacher_id, owner.version)
            if existing := await uow.items.by_source_event(submission.event_id):
                await uow.commit()
                return Result.DUPLICATE, existing
            if submission.kind is ItemKind.COURSE:
                last = await uow.items.latest_for_subject(submission.kind, submission.subject_id)
                if last is not None and last.text == submission.text:
                    await uow.commit()
                    return Result.UNCHANGED, last
            prior = (
                await uow.items.posts_by_author(
                    submission.author_id,
                    submission.posted_at - self._moderator.repeats.window,
                    submission.posted_at,
                )
                if submission.kind.is_post
                else []
            )
            decision = self._moderator.check(
                submission.text, submission.kind, submission.posted_at, prior
            )
            item = ModerationItem.checked(
                item_id=uuid.uuid4(),
                source_event_id=submission.event_id,
                kind=submission.kind,
                subject_id=submission.subject_id,
                course_id=submission.course_id,
                author_id=submission.author_id,
                text=submission.text,
                submitted_at=submission.posted_at,
                decision=decision,
                subject_version=submission.subject_version,
            )
            await uow.items.add(item)
            uow.outbox.add(decided(item, self._clock))
            await uow.commit()
        return Result.DECIDED, item

    async def remember_owner(self, owner: CourseSnapshot) -> None:
        """A course left the catalogue: nothing to check, but its owner is still known."""
        async with self._uow() as uow:
            await uow.courses.remember(owner.course_id, owner.teacher_id, owner.version)
            await uow.commit()
