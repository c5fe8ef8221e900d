"""The outbox relay inside a service process, for as long as its app runs (ADR 0003).

Every service builds and starts it the same way, so the way lives here once::

    relay = service_relay(sessions, nats_url=settings.nats_url, publisher=override, clock=clock)
    ...
    async with relay_lifespan(relay, consumer.run):   # in the app lifespan
        yield

Each loop (the relay's ``run`` and any other ``loop(stop)`` given, e.g. an event consumer) runs
as a task until the block ends; then all are told to stop through one event, awaited, and the
relay's publisher is closed. Stopping waits for the loops rather than cancelling them, so a
batch that is being published is finished and marked, not left to be sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import Clock
from edu.db.outbox.publishers import EventPublisher, JetStreamPublisher
from edu.db.outbox.relay import OutboxRelay

logger = logging.getLogger("edu.db.outbox")

StoppableLoop = Callable[[asyncio.Event], Awaitable[None]]


class Relay(Protocol):
    """What the lifespan needs of ``edu.db.outbox.OutboxRelay``."""

    async def run(self, stop: asyncio.Event) -> None: ...

    async def close(self) -> None: ...


def service_relay(
    sessions: async_sessionmaker[AsyncSession],
    *,
    nats_url: str | None,
    publisher: EventPublisher | None = None,
    clock: Clock | None = None,
) -> OutboxRelay | None:
    """The relay a service runs: to ``publisher`` when one is given (tests), else to JetStream
    at ``nats_url``; None without either (events wait in the outbox until a relay runs)."""
    if publisher is None and nats_url:
        publisher = JetStreamPublisher(nats_url)
    return OutboxRelay(sessions, publisher, clock=clock) if publisher is not None else None


@contextlib.asynccontextmanager
async def relay_lifespan(relay: Relay | None, *beside: StoppableLoop | None) -> AsyncIterator[None]:
    """Run ``relay`` (None: no bus configured, nothing to relay) and the loops ``beside`` it."""
    stop = asyncio.Event()
    loops = [loop for loop in (relay.run if relay else None, *beside) if loop is not None]
    tasks = [asyncio.create_task(_until_stopped(loop, stop)) for loop in loops]
    try:
        yield
    finally:
        stop.set()
        for loop, outcome in zip(
            loops, await asyncio.gather(*tasks, return_exceptions=True), strict=True
        ):
            # The loops handle their own failures; one escaping is a bug worth a traceback,
            # but it must not keep the other loops or the publisher from being closed.
            if isinstance(outcome, BaseException):
                logger.error("%r ended with an error", loop, exc_info=outcome)
        if relay is not None:
            await relay.close()


async def _until_stopped(loop: StoppableLoop, stop: asyncio.Event) -> None:
    await loop(stop)
