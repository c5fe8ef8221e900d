"""What the worker could not deliver: abandoned emails (dead letters) and those waiting to retry.

`edu mail` lists them beside what the SMTP sink received, each with the reason the server gave
(``last_error``), so one email that will never arrive is seen rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from edu.email_queue.table import EMAIL_QUEUE


@dataclass(frozen=True)
class UndeliveredEmail:
    id: UUID
    kind: str
    to_address: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    abandoned_at: datetime | None

    @property
    def abandoned(self) -> bool:
        return self.abandoned_at is not None

    def to_json(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "state": "abandoned" if self.abandoned else "retrying",
            "kind": self.kind,
            "to": self.to_address,
            "subject": self.subject,
            "attempts": self.attempts,
            "reason": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": None if self.abandoned else self.next_attempt_at.isoformat(),
            "abandoned_at": self.abandoned_at and self.abandoned_at.isoformat(),
        }


async def undelivered(connection: AsyncConnection, limit: int) -> list[UndeliveredEmail]:
    """The newest ``limit`` emails not sent that the server refused at least once, oldest first.

    Parked emails (no address yet) and emails never tried are not failures and are left out.
    """
    q = EMAIL_QUEUE.c
    query = (
        select(EMAIL_QUEUE)
        .where(
            q.sent_at.is_(None),
            q.to_address.is_not(None),
            (q.abandoned_at.is_not(None)) | (q.attempts > 0),
        )
        .order_by(q.created_at.desc())
        .limit(limit)
    )
    rows = (await connection.execute(query)).mappings().all()
    return [
        UndeliveredEmail(
            id=row["id"],
            kind=row["kind"],
            to_address=row["to_address"],
            subject=row["subject"],
            attempts=row["attempts"],
            last_error=row["last_error"] or "",
            created_at=row["created_at"],
            next_attempt_at=row["next_attempt_at"],
            abandoned_at=row["abandoned_at"],
        )
        for row in reversed(rows)
    ]
