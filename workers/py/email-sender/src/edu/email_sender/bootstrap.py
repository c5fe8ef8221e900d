"""The composition root: settings in, the running loop's parts out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from edu.common.clock import Clock, SystemClock
from edu.db.engine import create_engine, session_factory
from edu.email_sender.loop import SenderLoop
from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import EmailSending, Mailer, QueueUnitOfWork
from edu.email_sender.settings import EmailSenderSettings
from edu.email_sender.smtp_mailer import SmtpMailer
from edu.email_sender.sql_queue import SqlAlchemyQueueUnitOfWork


@dataclass
class EmailSenderContainer:
    loop: SenderLoop
    mailer: Mailer
    engine: AsyncEngine

    async def close(self) -> None:
        await self.mailer.close()
        await self.engine.dispose()


def bootstrap(settings: EmailSenderSettings, *, clock: Clock | None = None) -> EmailSenderContainer:
    clock = clock or SystemClock()
    engine = create_engine(settings.database_url, pool_size=2)
    sessions = session_factory(engine)

    def unit_of_work() -> QueueUnitOfWork:
        return SqlAlchemyQueueUnitOfWork(sessions)

    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    mailer = SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.from_address,
        username=settings.smtp_username,
        password=password,
        start_tls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
        clock=clock,
    )
    retry = RetryPolicy(
        first_delay=settings.poll_interval_seconds,
        max_delay=settings.max_backoff_seconds,
        max_attempts=settings.max_attempts,
    )
    sending = EmailSending(unit_of_work, mailer, clock, retry)
    loop = SenderLoop(sending, poll_interval=settings.poll_interval_seconds, backoff=retry)
    return EmailSenderContainer(loop=loop, mailer=mailer, engine=engine)
