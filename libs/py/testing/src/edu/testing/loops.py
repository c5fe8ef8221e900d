"""Async tests that drive long-running loops: run them for a block, wait for what they do.

    async with running(consumer, worker):
        await eventually(lambda: sent(sink, 3), "three emails arrive")

Any object with ``async run(stop: asyncio.Event)`` is a loop (an event consumer, the email
sender's loop, the outbox relay). ``eventually`` polls, for state the test has nothing to wait
on (a row in PostgreSQL, a message in NATS, a mail in the sink).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol


class StoppableLoop(Protocol):
    async def run(self, stop: asyncio.Event) -> None: ...


@contextlib.asynccontextmanager
async def running(*loops: StoppableLoop, stop_within: float = 10.0) -> AsyncIterator[None]:
    """Run ``loops`` as tasks for the block; then tell them to stop and wait for them."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(loop.run(stop)) for loop in loops]
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=stop_within)


async def eventually(check: Callable[[], Awaitable[bool]], what: str, within: float = 15.0) -> None:
    """Poll ``check`` until it is true; AssertionError naming ``what`` after ``within`` s."""
    try:
        async with asyncio.timeout(within):
            while True:
                if await check():
                    return
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {within} s: {what}") from None
