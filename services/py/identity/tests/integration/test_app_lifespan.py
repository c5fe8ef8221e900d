"""With NATS configured, the app runs the outbox relay for as long as it runs."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.common.settings import Environment
from edu.db.outbox import OutboxEvent
from edu.db.testing import FakeEventPublisher
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.adapters.redis_throttle import RedisAttemptStore
from edu.identity.bootstrap import IdentityContainer
from edu.identity.entrypoints.app import make_app
from edu.identity.service_layer.registration import SignUp
from edu.identity.settings import IdentitySettings


class AnnouncingPublisher(FakeEventPublisher):
    def __init__(self) -> None:
        super().__init__()
        self.first = asyncio.Event()

    async def publish(self, event: OutboxEvent) -> None:
        await super().publish(event)
        self.first.set()


class TestTheRelayInTheLifespan:
    async def test_publishes_committed_events_while_running_and_closes_on_shutdown(
        self,
        database_url: str,
        redis_url: str,
        sessions: async_sessionmaker[AsyncSession],
        attempts: RedisAttemptStore,
        hasher: Argon2PasswordHasher,
        fake_clock: FakeClock,
    ) -> None:
        settings = IdentitySettings(
            environment=Environment.TEST,
            database_url=database_url,
            redis_url=redis_url,
            nats_url="nats://127.0.0.1:1",  # replaced by the publisher below
        )
        publisher = AnnouncingPublisher()
        app = make_app(
            settings,
            sessions=sessions,
            attempts=attempts,
            password_hasher=hasher,
            publisher=publisher,
            clock=fake_clock,
        )
        identity: IdentityContainer = app.state.identity
        user = await identity.registration.sign_up(
            SignUp(email="ada@example.org", password="violet-kettle-orbit-9")
        )

        async with app.router.lifespan_context(app):
            await asyncio.wait_for(publisher.first.wait(), timeout=10)

        assert [(e.type, e.aggregate_id) for e in publisher.published] == [
            ("user.registered", str(user.id))
        ]
        assert publisher.closed
