"""In-memory stand-ins for the worker's ports (``Fake<Port>``), for its tests. Not shipped: the
wheel leaves this module out and no worker code imports it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from edu.db.testing import FakeUnitOfWork
from edu.email_queue import QueuedEmail
from edu.email_sender.sending import MailServerUnavailable, MessageRejected


@dataclass
class FakeRow:
    email: QueuedEmail
    next_attempt_at: datetime
    sent_at: datetime | None = None
    abandoned_at: datetime | None = None
    last_error: str | None = None


@dataclass
class FakeQueueTable:
    rows: list[FakeRow] = field(default_factory=list)
    commits: int = 0

    def row(self, email_id: UUID) -> FakeRow:
        return next(row for row in self.rows if row.email.id == email_id)


class FakeEmailQueue:
    def __init__(self, table: FakeQueueTable) -> None:
        self.table = table

    async def next_due(self, now: datetime) -> QueuedEmail | None:
        due = [
            r
            for r in self.table.rows
            if r.sent_at is None and r.abandoned_at is None and r.next_attempt_at <= now
        ]
        return min(due, key=lambda r: r.next_attempt_at).email if due else None

    async def mark_sent(self, email_id: UUID, now: datetime) -> None:
        self._attempted(email_id).sent_at = now

    async def reschedule(self, email_id: UUID, *, at: datetime, error: str) -> None:
        row = self._attempted(email_id)
        row.next_attempt_at, row.last_error = at, error

    async def abandon(self, email_id: UUID, *, now: datetime, error: str) -> None:
        row = self._attempted(email_id)
        row.abandoned_at, row.last_error = now, error

    def _attempted(self, email_id: UUID) -> FakeRow:
        row = self.table.row(email_id)
        row.email = replace(row.email, attempts=row.email.attempts + 1)
        return row


class FakeQueueUnitOfWork(FakeUnitOfWork):
    """Works on a copy of the table; only ``commit`` makes the changes stick."""

    def __init__(self, table: FakeQueueTable) -> None:
        self.table = table
        self.queue = FakeEmailQueue(FakeQueueTable())

    def _begin(self) -> None:
        self.queue = FakeEmailQueue(copy.deepcopy(self.table))

    def _discard(self) -> None:
        self.queue = FakeEmailQueue(FakeQueueTable())

    def _keep(self) -> None:
        self.table.rows = copy.deepcopy(self.queue.table.rows)
        self.table.commits += 1


class FakeMailer:
    """Keeps what it ``sent``; ``down`` makes every send fail as if the server were away,
    ``refuse`` maps an email id to the refusal it gets."""

    def __init__(self) -> None:
        self.sent: list[QueuedEmail] = []
        self.down = False
        self.refuse: dict[UUID, MessageRejected] = {}
        self.closed = False

    async def send(self, email: QueuedEmail) -> None:
        if self.down:
            raise MailServerUnavailable("fake server down")
        if email.id in self.refuse:
            raise self.refuse[email.id]
        self.sent.append(email)

    async def close(self) -> None:
        self.closed = True
