"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.db.engine import open_sessions
from edu.db.outbox import EventPublisher, OutboxRelay, service_relay
from edu.moderation.adapters.unit_of_work import SqlAlchemyModerationUnitOfWork
from edu.moderation.domain.links import DENIED_DOMAINS, LinkRule
from edu.moderation.domain.moderator import Moderator
from edu.moderation.domain.repeats import RepeatRule
from edu.moderation.domain.wordlists import bundled_word_lists
from edu.moderation.service_layer.ports import ModerationUnitOfWork
from edu.moderation.service_layer.reviews import Reviews
from edu.moderation.service_layer.submissions import Submissions
from edu.moderation.settings import ModerationSettings


@dataclass
class ModerationContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    submissions: Submissions
    reviews: Reviews
    verifier: TokenVerifier
    database: async_sessionmaker[AsyncSession]
    relay: OutboxRelay | None = None
    engine: AsyncEngine | None = None

    async def ping(self) -> None:
        """Raise unless moderation's database answers."""
        async with SqlAlchemyModerationUnitOfWork(self.database) as uow:
            await uow.ping()

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


def moderator_from(settings: ModerationSettings) -> Moderator:
    """The rules as ``settings`` configure them (the evaluation uses the defaults)."""
    return Moderator(
        word_lists=bundled_word_lists(),
        links=LinkRule(
            max_links=settings.max_links,
            denied_domains=DENIED_DOMAINS | {d.lower() for d in settings.denied_domains},
        ),
        repeats=RepeatRule(window=timedelta(seconds=settings.repeat_window_seconds)),
    )


def bootstrap(
    settings: ModerationSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    verifier: TokenVerifier | None = None,
    publisher: EventPublisher | None = None,
    clock: Clock | None = None,
) -> ModerationContainer:
    """Wire moderation from ``settings``; each keyword replaces one real adapter
    (``sessions``: integration tests bind them to a rolled-back connection)."""
    clock = clock or SystemClock()
    session_maker, engine = open_sessions(
        settings.database_url, pool_size=settings.database_pool_size, given=sessions
    )

    def unit_of_work() -> ModerationUnitOfWork:
        return SqlAlchemyModerationUnitOfWork(session_maker)

    return ModerationContainer(
        submissions=Submissions(unit_of_work, moderator_from(settings), clock),
        reviews=Reviews(unit_of_work, clock),
        verifier=verifier or TokenVerifier.from_settings(settings, clock=clock),
        database=session_maker,
        relay=service_relay(
            session_maker, nats_url=settings.nats_url, publisher=publisher, clock=clock
        ),
        engine=engine,
    )
