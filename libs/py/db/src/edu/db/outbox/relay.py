"""The outbox relay: publishes stored events, oldest first, and marks them sent afterwards.

Guarantees and how they are kept:

* **At-least-once.** An event is marked published only after the bus acknowledged it. A crash
  between the two republishes it; the ``Nats-Msg-Id`` header (the event id) lets JetStream
  drop the duplicate, and consumers deduplicate by id beyond JetStream's window.
* **Per-aggregate order.** Events go out in ``position`` order and a batch stops at the first
  failed publish, so no event overtakes an earlier one that is still waiting.
* **One relay at a time.** Every replica runs a relay; a transaction-scoped advisory lock lets
  only one of them work on a batch, so two relays never interleave one aggregate's events.
* **Nothing is lost in an outage.** A failed publish leaves the row unpublished (counting the
  attempt); ``run`` backs off exponentially and tries again until the bus is back.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import Clock, SystemClock
from edu.db.outbox.event import OutboxEvent
from edu.db.outbox.publishers import EventPublisher
from edu.db.outbox.table import OUTBOX
from edu.db.outbox.wakeup import WAKEUPS
from edu.events import EventContractError

logger = logging.getLogger("edu.db.outbox")

# Arbitrary but fixed: the advisory lock key of "the outbox relay" in a service's database.
RELAY_LOCK_KEY = 0x0ED00B0C


@dataclass(frozen=True)
class BatchOutcome:
    published: int
    failed: bool


class OutboxRelay:
    """Moves events from a service's ``outbox`` table to the message bus."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        publisher: EventPublisher,
        *,
        batch_size: int = 100,
        poll_interval: float = 0.5,
        # After the bus returns, events wait at most this long (a failed attempt is one cheap
        # connect); 30 s let the chaos NATS outage's events wait ~9-25 s after recovery.
        max_backoff: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        self._sessions = session_factory
        self._publisher = publisher
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._clock = clock or SystemClock()

    async def relay_once(self) -> int:
        """Publish one batch; the number of events published (0 when the bus is down)."""
        return (await self.relay_batch()).published

    async def relay_batch(self) -> BatchOutcome:
        async with self._sessions() as session, session.begin():
            lock = select(func.pg_try_advisory_xact_lock(RELAY_LOCK_KEY))
            if not (await session.execute(lock)).scalar_one():
                return BatchOutcome(published=0, failed=False)  # another replica is at it
            rows = await session.execute(
                select(OUTBOX)
                .where(OUTBOX.c.published_at.is_(None))
                .order_by(OUTBOX.c.position)
                .limit(self.batch_size)
            )
            sent: list[int] = []
            for row in rows.mappings():
                event = _event(row)
                try:
                    await self._publisher.publish(event)
                except Exception as exc:
                    # A contract error will not heal by waiting: it needs a fix and a deploy.
                    log = logger.error if isinstance(exc, EventContractError) else logger.warning
                    log("outbox: publishing %s %s failed: %s", event.type, event.id, exc)
                    await session.execute(
                        update(OUTBOX)
                        .where(OUTBOX.c.position == row["position"])
                        .values(attempts=OUTBOX.c.attempts + 1, last_error=str(exc)[:1000])
                    )
                    await self._mark_published(session, sent)
                    return BatchOutcome(published=len(sent), failed=True)
                sent.append(row["position"])
            await self._mark_published(session, sent)
            return BatchOutcome(published=len(sent), failed=False)

    async def _mark_published(self, session: AsyncSession, positions: list[int]) -> None:
        if positions:
            await session.execute(
                update(OUTBOX)
                .where(OUTBOX.c.position.in_(positions))
                .values(published_at=self._clock.now())
            )

    async def close(self) -> None:
        """Close the publisher (its NATS connection); ``run`` must have stopped."""
        await self._publisher.close()

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until ``stop`` is set: drain full batches at once, relay as soon as this
        process commits events (edu.db.outbox.wakeup), poll when idle for what others wrote,
        back off exponentially while publishing (or the database) fails."""
        backoff = self.poll_interval
        written = WAKEUPS.register()
        try:
            while not stop.is_set():
                written.clear()  # a commit from here on is seen by this batch or wakes the next
                try:
                    outcome = await self.relay_batch()
                except Exception:
                    logger.exception("outbox: relay batch failed")
                    outcome = BatchOutcome(published=0, failed=True)
                if outcome.failed:
                    delay, backoff = backoff, min(backoff * 2, self.max_backoff)
                    await _first_of(stop, None, delay)  # a failing bus is not retried sooner
                    continue
                backoff = self.poll_interval
                if outcome.published < self.batch_size:
                    await _first_of(stop, written, self.poll_interval)
        finally:
            WAKEUPS.unregister(written)


async def _first_of(stop: asyncio.Event, written: asyncio.Event | None, seconds: float) -> None:
    """Until ``stop`` or ``written`` is set, or ``seconds`` have passed."""
    waits = [asyncio.ensure_future(stop.wait())]
    if written is not None:
        waits.append(asyncio.ensure_future(written.wait()))
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*waits, return_exceptions=True)


def _event(values: RowMapping) -> OutboxEvent:
    return OutboxEvent(
        id=values["id"],
        type=values["type"],
        aggregate=values["aggregate"],
        aggregate_id=values["aggregate_id"],
        version=values["version"],
        occurred_at=values["occurred_at"],
        payload=values["payload"],
    )
