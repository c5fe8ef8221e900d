"""The worker's loop: keeps going through outages with a bounded, growing pause."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from edu.email_queue import QueuedEmail
from edu.email_sender.loop import SenderLoop
from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import EmailSending, Outcome
from edu.email_sender.testing import FakeMailer

Enqueue = Callable[..., QueuedEmail]
BACKOFF = RetryPolicy(first_delay=0.5, max_delay=4.0)


class FakePause:
    """Records each pause instead of sleeping; runs ``at`` callbacks after the n-th pause and
    stops the loop after ``limit`` pauses."""

    def __init__(self, stop: asyncio.Event, limit: int) -> None:
        self.stop = stop
        self.limit = limit
        self.pauses: list[float] = []
        self.at: dict[int, Callable[[], None]] = {}

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        if action := self.at.get(len(self.pauses)):
            action()
        if len(self.pauses) >= self.limit:
            self.stop.set()


class Exploding:
    """A sending use case whose rounds raise, as when the database is unreachable."""

    def __init__(self, failures: int, then: EmailSending) -> None:
        self.failures = failures
        self.then = then

    async def send_next(self) -> Outcome:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("database down")
        return await self.then.send_next()


class TestRunning:
    async def test_sends_everything_queued_then_polls(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer
    ) -> None:
        for n in range(3):
            enqueue(f"email {n}")
        stop = asyncio.Event()
        pause = FakePause(stop, limit=2)

        await SenderLoop(sending, poll_interval=1.0, backoff=BACKOFF).run(stop, pause)

        assert len(mailer.sent) == 3
        assert pause.pauses == [1.0, 1.0]

    async def test_backs_off_doubling_up_to_the_bound_while_the_server_is_down_then_recovers(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer
    ) -> None:
        email = enqueue()
        mailer.down = True
        stop = asyncio.Event()
        pause = FakePause(stop, limit=7)
        pause.at[6] = lambda: setattr(mailer, "down", False)

        await SenderLoop(sending, poll_interval=1.0, backoff=BACKOFF).run(stop, pause)

        assert pause.pauses == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 1.0]
        assert [m.id for m in mailer.sent] == [email.id]

    async def test_survives_rounds_that_raise_and_carries_on(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer
    ) -> None:
        enqueue()
        stop = asyncio.Event()
        pause = FakePause(stop, limit=3)
        flaky = Exploding(2, then=sending)

        await SenderLoop(flaky, poll_interval=1.0, backoff=BACKOFF).run(stop, pause)

        assert pause.pauses == [0.5, 1.0, 1.0]
        assert len(mailer.sent) == 1
