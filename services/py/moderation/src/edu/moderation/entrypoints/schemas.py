"""Request and response bodies of moderation's HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind


class ReasonOut(BaseModel):
    code: str = Field(description='A stable code, e.g. "abusive_language", "denied_link".')
    detail: str = Field(description="What was found, in plain words.")
    severity: Literal["hold", "reject"] = Field(description="What this finding asks for alone.")


class ItemOut(BaseModel):
    id: UUID
    kind: ItemKind
    subject_id: str = Field(description="The question's, answer's or course's own id.")
    course_id: str
    author_id: str
    text: str
    submitted_at: datetime
    outcome: Literal["allow", "hold", "reject"] = Field(
        description="hold: awaiting a decision; allow/reject: decided (by a reviewer when "
        "reviewer_id is set)."
    )
    reasons: list[ReasonOut] = Field(description="Why the rules held it.")
    reviewer_id: UUID | None
    reviewed_at: datetime | None

    @classmethod
    def of(cls, item: ModerationItem) -> ItemOut:
        return cls(
            id=item.id,
            kind=item.kind,
            subject_id=item.subject_id,
            course_id=item.course_id,
            author_id=item.author_id,
            text=item.text,
            submitted_at=item.submitted_at,
            outcome=item.outcome.value,
            reasons=[
                ReasonOut(
                    code=r.code,
                    detail=r.detail,
                    severity="reject" if r.severity is Outcome.REJECT else "hold",
                )
                for r in item.reasons
            ],
            reviewer_id=item.reviewer_id,
            reviewed_at=item.reviewed_at,
        )


class QueueOut(BaseModel):
    items: list[ItemOut] = Field(description="Held items awaiting a decision, oldest first.")
    limit: int
    offset: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["allow", "reject"] = Field(
        description="allow: show it; reject: never show it to others."
    )


class ReadyOut(BaseModel):
    status: Literal["ready"] = "ready"
