"""A moderated item: one text, what the rules decided about it and, when they held it, what a
teacher or an admin decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from edu.common.problems import Conflict
from edu.moderation.domain.decisions import Decision, Finding, Outcome
from edu.moderation.domain.moderator import ItemKind

REVIEW_OUTCOMES = frozenset({Outcome.ALLOW, Outcome.REJECT})


@dataclass
class ModerationItem:
    id: UUID
    source_event_id: UUID
    kind: ItemKind
    subject_id: str
    course_id: str
    author_id: str
    text: str
    submitted_at: datetime
    outcome: Outcome
    reasons: tuple[Finding, ...]
    subject_version: int = 0
    reviewer_id: UUID | None = None
    reviewed_at: datetime | None = None
    # 1 once the rules decided, 2 once a person decided a held item (the event's version).
    version: int = 1
    changed: bool = field(default=False, compare=False)

    @classmethod
    def checked(
        cls,
        *,
        item_id: UUID,
        source_event_id: UUID,
        kind: ItemKind,
        subject_id: str,
        course_id: str,
        author_id: str,
        text: str,
        submitted_at: datetime,
        decision: Decision,
        subject_version: int = 0,
    ) -> ModerationItem:
        return cls(
            id=item_id,
            source_event_id=source_event_id,
            kind=kind,
            subject_id=subject_id,
            course_id=course_id,
            author_id=author_id,
            text=text,
            submitted_at=submitted_at,
            outcome=decision.outcome,
            reasons=decision.reasons,
            subject_version=subject_version,
        )

    @property
    def awaits_review(self) -> bool:
        return self.outcome is Outcome.HOLD and self.reviewer_id is None

    @property
    def was_held(self) -> bool:
        """Held by the rules (decided by a person since, or not yet)."""
        return self.reviewer_id is not None or self.outcome is Outcome.HOLD

    def review(self, outcome: Outcome, reviewer_id: UUID, at: datetime) -> bool:
        """A person decides a held item; True when that changed it.

        The same decision again is a no-op (a retried request changes nothing); another
        decision after one was made, or deciding what the rules did not hold, is a Conflict.
        """
        if outcome not in REVIEW_OUTCOMES:
            raise Conflict("A held item is decided by allowing or rejecting it.")
        if self.reviewer_id is not None:
            if self.outcome is outcome:
                return False
            raise Conflict(
                f"This item was already decided ({self.outcome.value}); "
                "a decision is not changed afterwards."
            )
        if self.outcome is not Outcome.HOLD:
            raise Conflict(
                f"The rules decided this item ({self.outcome.value}); only held items are reviewed."
            )
        self.outcome = outcome
        self.reviewer_id = reviewer_id
        self.reviewed_at = at
        self.version = 2
        self.changed = True
        return True
