"""The worker over real SMTP: an outage loses nothing and sends nothing twice, two workers
never send the same email, refusals are retried or abandoned, and the process runs and stops."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import SystemClock
from edu.email_queue import EMAIL_QUEUE, QueuedEmail, message_id_for
from edu.email_sender.loop import SenderLoop
from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import EmailSending, MailServerUnavailable
from edu.email_sender.smtp_mailer import SmtpMailer
from edu.email_sender.sql_queue import SqlAlchemyQueueUnitOfWork
from edu.mailsink.sink import SmtpSink, StoringHandler, running_sink
from edu.testing.loops import eventually, running

Sessions = async_sessionmaker[AsyncSession]
FAST = RetryPolicy(first_delay=0.05, max_delay=0.2, max_attempts=2)


class CountingMailer(SmtpMailer):
    """The real mailer, counting how often it found the server away."""

    unavailable = 0

    async def send(self, email: QueuedEmail) -> None:
        try:
            await super().send(email)
        except MailServerUnavailable:
            self.unavailable += 1
            raise


async def enqueue(sessions: Sessions, *addresses: str) -> list[uuid.UUID]:
    now, ids = datetime.now(UTC), [uuid.uuid4() for _ in addresses]
    rows = [
        {
            "id": email_id,
            "kind": "welcome",
            "user_id": uuid.uuid4(),
            "to_address": address,
            "subject": f"Hello {address}",
            "text_body": "hi",
            "html_body": "<p>hi</p>",
            "source_event_id": uuid.uuid4(),
            "created_at": now,
            "next_attempt_at": now,
        }
        for email_id, address in zip(ids, addresses, strict=True)
    ]
    async with sessions() as session, session.begin():
        await session.execute(insert(EMAIL_QUEUE), rows)
    return ids


async def states(sessions: Sessions) -> dict[str, tuple[bool, bool, int]]:
    """address -> (sent, abandoned, attempts)"""
    async with sessions() as session:
        rows = await session.execute(
            select(
                EMAIL_QUEUE.c.to_address,
                EMAIL_QUEUE.c.sent_at,
                EMAIL_QUEUE.c.abandoned_at,
                EMAIL_QUEUE.c.attempts,
            )
        )
        return {a: (s is not None, d is not None, n) for a, s, d, n in rows}


def mailer_for(sink: SmtpSink) -> CountingMailer:
    return CountingMailer(sink.host, sink.port, sender="eduplatform <no-reply@edu.test>", timeout=2)


def worker(sessions: Sessions, mailer: SmtpMailer) -> SenderLoop:
    sending = EmailSending(lambda: SqlAlchemyQueueUnitOfWork(sessions), mailer, SystemClock(), FAST)
    return SenderLoop(sending, poll_interval=0.05, backoff=FAST)


class TestSmtpOutage:
    async def test_stopping_smtp_for_a_while_then_starting_it_delivers_every_email_once(
        self, sessions: Sessions, mail_sink: SmtpSink
    ) -> None:
        mailer = mailer_for(mail_sink)
        before = await enqueue(sessions, *(f"before{n}@example.org" for n in range(3)))

        async with running(worker(sessions, mailer)):
            await eventually(lambda: _received(mail_sink, 3), "the first emails arrive")
            await mail_sink.stop()
            during = await enqueue(sessions, *(f"during{n}@example.org" for n in range(4)))
            await eventually(
                lambda: _at_least(mailer, 3), "the worker keeps trying while SMTP is down"
            )
            assert [sent for sent, _, _ in (await states(sessions)).values()].count(False) == 4
            await mail_sink.start()
            await eventually(lambda: _all_sent(sessions), "everything is sent once SMTP is back")

        received = sorted(m.message_id for m in mail_sink.store.list())
        assert received == sorted(message_id_for(i) for i in before + during)
        await mailer.close()


class TestTwoWorkers:
    async def test_never_send_the_same_email(self, sessions: Sessions, mail_sink: SmtpSink) -> None:
        ids = await enqueue(sessions, *(f"user{n}@example.org" for n in range(30)))
        first, second = mailer_for(mail_sink), mailer_for(mail_sink)

        async with running(worker(sessions, first), worker(sessions, second)):
            await eventually(lambda: _all_sent(sessions), "all sent")

        received = [m.message_id for m in mail_sink.store.list()]
        assert sorted(received) == sorted(message_id_for(i) for i in ids)
        await first.close()
        await second.close()


class Refusing(StoringHandler):
    """Accepts mail, except for bounce@ (550: no such user) and later@ (451: try later)."""

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.startswith("bounce@"):
            return "550 5.1.1 no such user"
        if address.startswith("later@"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class TestRefusals:
    async def test_a_bounce_is_abandoned_at_once_a_deferral_after_its_attempts(
        self, sessions: Sessions, tmp_path: Path
    ) -> None:
        async with running_sink(tmp_path / "mail") as sink:
            sink.handler = Refusing(sink.store)
            await enqueue(sessions, "bounce@example.org", "later@example.org", "fine@example.org")
            async with running(worker(sessions, mailer_for(sink))):
                await eventually(lambda: _settled(sessions), "every email sent or abandoned")
            delivered = [m.rcpt_to for m in sink.store.list()]

        assert await states(sessions) == {
            "bounce@example.org": (False, True, 1),
            "later@example.org": (False, True, 2),
            "fine@example.org": (True, False, 1),
        }
        assert delivered == [("fine@example.org",)]


class TestInternationalAddresses:
    async def test_a_server_without_smtputf8_rejects_the_odd_one_and_every_other_email_goes_out(
        self, sessions: Sessions, tmp_path: Path
    ) -> None:
        """The poison email of issue 18: it once held every email behind it for ever."""
        ordinary = [f"student{n}@example.org" for n in range(20)]
        async with running_sink(tmp_path / "mail", smtputf8=False) as sink:
            await enqueue(sessions, "josé.x@example.org", *ordinary)
            async with running(worker(sessions, mailer_for(sink))):
                await eventually(lambda: _settled(sessions), "every email sent or abandoned")
            delivered = sorted(m.rcpt_to[0] for m in sink.store.list())

        found = await states(sessions)
        assert found.pop("josé.x@example.org") == (False, True, 1)
        assert found == dict.fromkeys(ordinary, (True, False, 1))
        assert delivered == sorted(ordinary)
        async with sessions() as session:
            reason = await session.scalar(
                select(EMAIL_QUEUE.c.last_error).where(
                    EMAIL_QUEUE.c.to_address == "josé.x@example.org"
                )
            )
        assert "SMTPUTF8" in str(reason)

    async def test_the_dev_sink_offers_smtputf8_and_the_address_is_delivered(
        self, sessions: Sessions, tmp_path: Path
    ) -> None:
        async with running_sink(tmp_path / "mail") as sink:
            await enqueue(sessions, "josé.x@example.org")
            async with running(worker(sessions, mailer_for(sink))):
                await eventually(lambda: _settled(sessions), "the email sent")
            delivered = [m.rcpt_to for m in sink.store.list()]

        assert await states(sessions) == {"josé.x@example.org": (True, False, 1)}
        assert delivered == [("josé.x@example.org",)]


class TestTheProcess:
    async def test_python_m_edu_email_sender_sends_and_stops_on_sigterm(
        self, sessions: Sessions, queue_database_url: str, mail_sink: SmtpSink
    ) -> None:
        (email_id,) = await enqueue(sessions, "ada@example.org")
        env = {
            **os.environ,
            "EDU_ENVIRONMENT": "test",
            "EDU_DATABASE_URL": queue_database_url,
            "EDU_SMTP_PORT": str(mail_sink.port),
            "EDU_POLL_INTERVAL_SECONDS": "0.05",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "edu.email_sender",
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            await eventually(lambda: _received(mail_sink, 1), "the email arrives", within=20)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)

        assert process.returncode == 0, stderr.decode()
        assert [m.message_id for m in mail_sink.store.list()] == [message_id_for(email_id)]


async def _received(sink: SmtpSink, count: int) -> bool:
    return len(sink.store.list()) >= count


async def _at_least(mailer: CountingMailer, failures: int) -> bool:
    return mailer.unavailable >= failures


async def _all_sent(sessions: Sessions) -> bool:
    return all(sent for sent, _, _ in (await states(sessions)).values())


async def _settled(sessions: Sessions) -> bool:
    return all(sent or abandoned for sent, abandoned, _ in (await states(sessions)).values())
