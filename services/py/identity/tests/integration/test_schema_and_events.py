"""Migrations walk up and down and match the ORM tables; user.registered reaches NATS."""

from __future__ import annotations

import httpx
import nats
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.db.outbox import JetStreamPublisher, OutboxRelay
from edu.db.testing import MigrationChecks
from edu.events import decode
from edu.identity.adapters.orm import metadata
from edu.proto_gen.events.v1.identity_events_pb2 import ROLE_STUDENT, UserRegistered


class TestMigrations(MigrationChecks):
    metadata = metadata


class TestPublishingUserRegistered:
    async def test_a_sign_up_ends_up_on_jetstream_as_events_user_registered(
        self,
        client: httpx.AsyncClient,
        sessions: async_sessionmaker[AsyncSession],
        nats_url: str,
        nats_namespace: str,
    ) -> None:
        created = await client.post(
            "/auth/signup", json={"email": "ada@example.org", "password": "violet-kettle-orbit-9"}
        )
        stream, prefix = f"EVENTS_{nats_namespace}", f"{nats_namespace}.events"
        publisher = JetStreamPublisher(nats_url, stream=stream, subject_prefix=prefix)
        try:
            assert await OutboxRelay(sessions, publisher).relay_once() == 1
        finally:
            await publisher.close()

        client_nc = await nats.connect(nats_url)
        try:
            subscription = await client_nc.jetstream().pull_subscribe(
                f"{prefix}.user.>", stream=stream
            )
            (message,) = await subscription.fetch(1, timeout=2)
        finally:
            await client_nc.close()
        event = decode(message.data)
        assert message.subject == f"{prefix}.user.registered"
        assert message.headers is not None
        assert message.headers["Nats-Msg-Id"] == str(event.id)
        assert event.aggregate_id == created.json()["id"]
        assert event.payload == UserRegistered(
            user_id=created.json()["id"], email="ada@example.org", role=ROLE_STUDENT
        )
