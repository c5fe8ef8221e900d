"""Sending the next due email: sent and marked together, nothing marked while the server is
down, refusals retried with backoff and finally abandoned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from edu.common.clock import FakeClock
from edu.email_queue import QueuedEmail
from edu.email_sender.sending import EmailSending, MessageRejected, Outcome
from edu.email_sender.testing import FakeMailer, FakeQueueTable

Enqueue = Callable[..., QueuedEmail]


class TestSending:
    async def test_sends_the_due_email_and_marks_it_sent(
        self,
        sending: EmailSending,
        enqueue: Enqueue,
        mailer: FakeMailer,
        table: FakeQueueTable,
        clock: FakeClock,
    ) -> None:
        email = enqueue()

        assert await sending.send_next() is Outcome.SENT

        assert [m.id for m in mailer.sent] == [email.id]
        assert table.row(email.id).sent_at == clock.now()

    async def test_each_email_is_sent_once_however_often_it_runs(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer
    ) -> None:
        first, second = enqueue("one"), enqueue("two")

        outcomes = [await sending.send_next() for _ in range(4)]

        assert outcomes == [Outcome.SENT, Outcome.SENT, Outcome.IDLE, Outcome.IDLE]
        assert [m.id for m in mailer.sent] == [first.id, second.id]

    async def test_an_email_not_yet_due_waits(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer, clock: FakeClock
    ) -> None:
        enqueue(in_seconds=30)

        assert await sending.send_next() is Outcome.IDLE
        clock.advance(30)
        assert await sending.send_next() is Outcome.SENT


class TestServerDown:
    async def test_nothing_is_marked_and_nothing_counts_against_the_email(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer, table: FakeQueueTable
    ) -> None:
        email = enqueue()
        mailer.down = True

        assert await sending.send_next() is Outcome.SERVER_DOWN

        row = table.row(email.id)
        assert (row.sent_at, row.email.attempts, table.commits) == (None, 0, 0)

    async def test_the_email_goes_out_once_the_server_is_back(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer
    ) -> None:
        email = enqueue()
        mailer.down = True
        for _ in range(20):  # a long outage never exhausts the email's attempts
            await sending.send_next()

        mailer.down = False

        assert await sending.send_next() is Outcome.SENT
        assert [m.id for m in mailer.sent] == [email.id]


class TestRefusals:
    async def test_a_temporary_refusal_retries_later_with_growing_delays(
        self,
        sending: EmailSending,
        enqueue: Enqueue,
        mailer: FakeMailer,
        table: FakeQueueTable,
        clock: FakeClock,
    ) -> None:
        email = enqueue()
        mailer.refuse[email.id] = MessageRejected("451 try later", permanent=False)

        assert await sending.send_next() is Outcome.RESCHEDULED
        assert table.row(email.id).next_attempt_at == clock.now() + timedelta(seconds=1)
        assert await sending.send_next() is Outcome.IDLE

        clock.advance(1)
        assert await sending.send_next() is Outcome.RESCHEDULED
        assert table.row(email.id).next_attempt_at == clock.now() + timedelta(seconds=2)
        assert table.row(email.id).last_error == "451 try later"

    async def test_gives_up_after_the_last_attempt(
        self,
        sending: EmailSending,
        enqueue: Enqueue,
        mailer: FakeMailer,
        table: FakeQueueTable,
        clock: FakeClock,
    ) -> None:
        email = enqueue()
        mailer.refuse[email.id] = MessageRejected("452 mailbox full", permanent=False)

        outcomes = []
        for _ in range(3):
            outcomes.append(await sending.send_next())
            clock.advance(60)

        assert outcomes == [Outcome.RESCHEDULED, Outcome.RESCHEDULED, Outcome.ABANDONED]
        assert table.row(email.id).abandoned_at is not None
        assert await sending.send_next() is Outcome.IDLE

    async def test_a_permanent_refusal_is_abandoned_at_once_and_the_next_email_goes(
        self, sending: EmailSending, enqueue: Enqueue, mailer: FakeMailer, table: FakeQueueTable
    ) -> None:
        bounced, fine = enqueue("bounced"), enqueue("fine")
        mailer.refuse[bounced.id] = MessageRejected("550 no such user", permanent=True)

        assert await sending.send_next() is Outcome.ABANDONED
        assert await sending.send_next() is Outcome.SENT

        assert table.row(bounced.id).last_error == "550 no such user"
        assert [m.id for m in mailer.sent] == [fine.id]
