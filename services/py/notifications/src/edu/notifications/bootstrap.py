"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.db.engine import open_sessions
from edu.events import DecodedEvent
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings, DurableEventConsumer
from edu.notifications.adapters.templates import JinjaEmailRenderer
from edu.notifications.adapters.unit_of_work import SqlAlchemyNotificationsUnitOfWork
from edu.notifications.service_layer.email_preferences import EmailPreferences
from edu.notifications.service_layer.event_handling import SUBSCRIBED_EVENTS, EventHandling
from edu.notifications.service_layer.inbox import Inbox
from edu.notifications.service_layer.ports import (
    EmailRenderer,
    NotificationsUnitOfWork,
    UnitOfWorkFactory,
)
from edu.notifications.settings import NotificationsSettings

DURABLE_NAME = "notifications"
DEAD_LETTER_PREFIX = "dlq.notifications"
# The database being unreachable is nobody's fault: such events wait, they are never
# dead-lettered (edu.events.dispositions).
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError)


@dataclass
class NotificationsContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    events: EventHandling
    inbox: Inbox
    preferences: EmailPreferences
    verifier: TokenVerifier
    consumer: DurableEventConsumer[DecodedEvent] | None = None
    engine: AsyncEngine | None = None

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


def consumer_settings(settings: NotificationsSettings) -> ConsumerSettings:
    return ConsumerSettings(
        durable=DURABLE_NAME,
        event_types=SUBSCRIBED_EVENTS,
        dead_letter_prefix=DEAD_LETTER_PREFIX,
        ack_wait=settings.consumer_ack_wait_seconds,
        policy=RedeliveryPolicy(max_deliveries=settings.max_deliveries),
    )


def _sql_unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> UnitOfWorkFactory:
    def make() -> NotificationsUnitOfWork:
        return SqlAlchemyNotificationsUnitOfWork(sessions)

    return make


def bootstrap(
    settings: NotificationsSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    unit_of_work: UnitOfWorkFactory | None = None,
    renderer: EmailRenderer | None = None,
    verifier: TokenVerifier | None = None,
    consumer: ConsumerSettings | None = None,
    clock: Clock | None = None,
) -> NotificationsContainer:
    """Wire notifications from ``settings``; each keyword replaces one real adapter (tests).

    ``sessions`` binds the real repositories to given sessions; ``unit_of_work`` replaces the
    repositories altogether; ``consumer`` changes the stream, subjects and durable name.
    """
    clock = clock or SystemClock()
    engine = None
    uow = unit_of_work
    if uow is None:
        opened, engine = open_sessions(
            settings.database_url, pool_size=settings.database_pool_size, given=sessions
        )
        uow = _sql_unit_of_work(opened)
    events = EventHandling(uow, renderer or JinjaEmailRenderer(), clock, web_url=settings.web_url)
    durable = None
    if settings.nats_url:
        durable = DurableEventConsumer(
            settings.nats_url,
            events.handle,
            consumer or consumer_settings(settings),
            transient=TRANSIENT_ERRORS,
        )
    return NotificationsContainer(
        events=events,
        inbox=Inbox(uow, clock),
        preferences=EmailPreferences(uow),
        verifier=verifier or TokenVerifier(jwks_url=settings.jwks_url, clock=clock),
        consumer=durable,
        engine=engine,
    )
