"""Sending the next due email: the use case, and the ports it needs.

One email per transaction: claim the oldest due row (locked, skipping rows other workers
hold), hand it to the SMTP server, and in the same transaction mark it sent. A crash between
the server's acceptance and the commit is the one window in which an email can go out twice;
its fixed Message-ID lets mail software recognise the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from edu.common.clock import Clock
from edu.db.ports import UnitOfWork
from edu.email_queue import QueuedEmail
from edu.email_sender.retry import RetryPolicy

logger = logging.getLogger("edu.email_sender")


class MailServerUnavailable(Exception):
    """The SMTP server cannot be reached or will not talk to us: no email is at fault."""


class MessageRejected(Exception):
    """The server refused this email; ``permanent`` (5xx) means retrying cannot help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Mailer(Protocol):
    async def send(self, email: QueuedEmail) -> None:
        """Returns once the server accepted the email; raises the two errors above."""

    async def close(self) -> None: ...


class EmailQueue(Protocol):
    async def next_due(self, now: datetime) -> QueuedEmail | None:
        """The oldest due email, locked until the transaction ends; None when none is due."""

    async def mark_sent(self, email_id: UUID, now: datetime) -> None: ...

    async def reschedule(self, email_id: UUID, *, at: datetime, error: str) -> None: ...

    async def abandon(self, email_id: UUID, *, now: datetime, error: str) -> None: ...


class QueueUnitOfWork(UnitOfWork, Protocol):
    @property
    def queue(self) -> EmailQueue: ...


UnitOfWorkFactory = Callable[[], QueueUnitOfWork]


class Outcome(StrEnum):
    SENT = "sent"
    IDLE = "idle"  # nothing due
    SERVER_DOWN = "server_down"  # nothing changed; try again after a pause
    RESCHEDULED = "rescheduled"  # temporarily refused; the email waits its own backoff
    ABANDONED = "abandoned"  # refused for good


class EmailSending:
    def __init__(
        self, uow: UnitOfWorkFactory, mailer: Mailer, clock: Clock, retry: RetryPolicy
    ) -> None:
        self._uow = uow
        self._mailer = mailer
        self._clock = clock
        self._retry = retry

    async def send_next(self) -> Outcome:
        """Send the oldest due email, if any."""
        async with self._uow() as uow:
            email = await uow.queue.next_due(self._clock.now())
            if email is None:
                return Outcome.IDLE
            try:
                await self._mailer.send(email)
            except MailServerUnavailable:
                return Outcome.SERVER_DOWN  # leaving without commit releases the row untouched
            except MessageRejected as exc:
                outcome = await self._refused(uow.queue, email, exc)
                await uow.commit()
                return outcome
            await uow.queue.mark_sent(email.id, self._clock.now())
            await uow.commit()
        logger.info("sent %s email %s to %s", email.kind, email.id, email.to_address)
        return Outcome.SENT

    async def _refused(
        self, queue: EmailQueue, email: QueuedEmail, exc: MessageRejected
    ) -> Outcome:
        now, attempts = self._clock.now(), email.attempts + 1
        if exc.permanent or attempts >= self._retry.max_attempts:
            logger.error(
                "abandoning %s email %s to %s after %d attempts: %s",
                email.kind,
                email.id,
                email.to_address,
                attempts,
                exc,
            )
            await queue.abandon(email.id, now=now, error=str(exc))
            return Outcome.ABANDONED
        delay = timedelta(seconds=self._retry.delay(attempts))
        logger.warning("%s email %s refused (%s); again in %s", email.kind, email.id, exc, delay)
        await queue.reschedule(email.id, at=now + delay, error=str(exc))
        return Outcome.RESCHEDULED
