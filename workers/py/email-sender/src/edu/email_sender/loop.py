"""The worker's loop: send while there is mail, poll when idle, back off while failing.

Every failure (the SMTP server down, the database down, a bug in one batch) ends in a pause
that doubles up to a bound, never in an exception that ends the process: a crash-looping worker
would hammer both servers and lose its place in nothing, since the queue is the state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import Outcome

logger = logging.getLogger("edu.email_sender")

Pause = Callable[[float], Awaitable[None]]


def pause_until(stop: asyncio.Event) -> Pause:
    """A pause that ends early when ``stop`` is set."""

    async def pause(seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)

    return pause


class SendsNextEmail(Protocol):
    """What the loop drives: ``EmailSending`` (or a test's stand-in)."""

    async def send_next(self) -> Outcome: ...


class SenderLoop:
    def __init__(
        self, sending: SendsNextEmail, *, poll_interval: float, backoff: RetryPolicy
    ) -> None:
        self._sending = sending
        self.poll_interval = poll_interval
        self._backoff = backoff

    async def run(self, stop: asyncio.Event, pause: Pause | None = None) -> None:
        """Until ``stop`` is set."""
        pause = pause or pause_until(stop)
        failures = 0
        while not stop.is_set():
            try:
                outcome = await self._sending.send_next()
            except Exception:
                logger.exception("email sender: a round failed (database down?)")
                outcome = None
            if outcome is None or outcome is Outcome.SERVER_DOWN:
                failures += 1
                delay = self._backoff.delay(failures)
                if failures == 1 or delay == self._backoff.max_delay:
                    logger.warning(
                        "email sender: cannot send (%s); waiting %.1fs", outcome or "error", delay
                    )
                await pause(delay)
                continue
            if failures:
                logger.info("email sender: sending again after %d failed rounds", failures)
                failures = 0
            if outcome is Outcome.IDLE:
                await pause(self.poll_interval)
