"""moderation's repositories over one SQLAlchemy session (the unit of work's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from edu.moderation.adapters.orm import course_owners, items
from edu.moderation.domain.decisions import Finding, Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.domain.repeats import PriorPost

_POSTS = (ItemKind.QUESTION.value, ItemKind.ANSWER.value)


class SqlAlchemyItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, item_id: UUID) -> ModerationItem | None:
        return await self._one(items.c.id == item_id)

    async def by_source_event(self, event_id: UUID) -> ModerationItem | None:
        return await self._one(items.c.source_event_id == event_id)

    async def latest_for_subject(self, kind: ItemKind, subject_id: str) -> ModerationItem | None:
        rows = await self._session.execute(
            select(items)
            .where(items.c.kind == kind.value, items.c.subject_id == subject_id)
            .order_by(items.c.subject_version.desc(), items.c.submitted_at.desc())
            .limit(1)
        )
        row = rows.mappings().first()
        return _item(row) if row else None

    async def posts_by_author(
        self, author_id: str, since: datetime, until: datetime
    ) -> list[PriorPost]:
        rows = await self._session.execute(
            select(items.c.text, items.c.submitted_at).where(
                items.c.author_id == author_id,
                items.c.kind.in_(_POSTS),
                items.c.submitted_at.between(since, until),
            )
        )
        return [PriorPost(text, posted_at) for text, posted_at in rows.all()]

    async def awaiting_review(
        self, course_ids: Sequence[str] | None, *, limit: int, offset: int
    ) -> list[ModerationItem]:
        query = select(items).where(
            items.c.outcome == Outcome.HOLD.value, items.c.reviewer_id.is_(None)
        )
        if course_ids is not None:
            query = query.where(items.c.course_id.in_(list(course_ids)))
        rows = await self._session.execute(
            query.order_by(items.c.submitted_at, items.c.id).limit(limit).offset(offset)
        )
        return [_item(row) for row in rows.mappings()]

    async def add(self, item: ModerationItem) -> None:
        await self._session.execute(items.insert().values(**_row(item)))

    async def save(self, item: ModerationItem) -> None:
        await self._session.execute(
            update(items)
            .where(items.c.id == item.id)
            .values(
                outcome=item.outcome.value,
                reviewer_id=item.reviewer_id,
                reviewed_at=item.reviewed_at,
                version=item.version,
            )
        )

    async def _one(self, condition: Any) -> ModerationItem | None:
        rows = await self._session.execute(select(items).where(condition))
        row = rows.mappings().first()
        return _item(row) if row else None


def _row(item: ModerationItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "source_event_id": item.source_event_id,
        "kind": item.kind.value,
        "subject_id": item.subject_id,
        "course_id": item.course_id,
        "author_id": item.author_id,
        "text": item.text,
        "submitted_at": item.submitted_at,
        "outcome": item.outcome.value,
        "reasons": [
            {"code": r.code, "detail": r.detail, "severity": r.severity.value} for r in item.reasons
        ],
        "subject_version": item.subject_version,
        "reviewer_id": item.reviewer_id,
        "reviewed_at": item.reviewed_at,
        "version": item.version,
    }


def _item(row: RowMapping) -> ModerationItem:
    return ModerationItem(
        id=row["id"],
        source_event_id=row["source_event_id"],
        kind=ItemKind(row["kind"]),
        subject_id=row["subject_id"],
        course_id=row["course_id"],
        author_id=row["author_id"],
        text=row["text"],
        submitted_at=row["submitted_at"],
        outcome=Outcome(row["outcome"]),
        reasons=tuple(
            Finding(r["code"], r["detail"], Outcome(r["severity"])) for r in row["reasons"]
        ),
        subject_version=row["subject_version"],
        reviewer_id=row["reviewer_id"],
        reviewed_at=row["reviewed_at"],
        version=row["version"],
    )


class SqlAlchemyCourseOwners:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def remember(self, course_id: str, teacher_id: str, version: int) -> None:
        statement = pg_insert(course_owners).values(
            course_id=course_id, teacher_id=teacher_id, version=version
        )
        # The version guard makes replays and out-of-order deliveries harmless.
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[course_owners.c.course_id],
                set_={
                    "teacher_id": statement.excluded.teacher_id,
                    "version": statement.excluded.version,
                },
                where=course_owners.c.version < statement.excluded.version,
            )
        )

    async def teacher_of(self, course_id: str) -> str | None:
        rows = await self._session.execute(
            select(course_owners.c.teacher_id).where(course_owners.c.course_id == course_id)
        )
        return rows.scalar_one_or_none()

    async def courses_of(self, teacher_id: str) -> list[str]:
        rows = await self._session.execute(
            select(course_owners.c.course_id)
            .where(course_owners.c.teacher_id == teacher_id)
            .order_by(course_owners.c.course_id)
        )
        return list(rows.scalars())
