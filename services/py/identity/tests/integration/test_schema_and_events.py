"""Migrations walk up and down and match the ORM tables; user.registered reaches NATS."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import nats
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.db.databases import create_database, drop_database
from edu.db.migrations import revisions, schema_differences, stairway
from edu.db.outbox import JetStreamPublisher, OutboxRelay
from edu.events import decode
from edu.identity.adapters.orm import metadata
from edu.proto_gen.events.v1.identity_events_pb2 import ROLE_STUDENT, UserRegistered
from edu.testing.database_fixtures import PostgresServer


class TestMigrations:
    async def test_every_revision_goes_up_down_and_up_again(
        self, postgres_server: PostgresServer, migrations_path: Path
    ) -> None:
        url = postgres_server.url(f"identity_stairway_{uuid.uuid4().hex[:12]}")
        await create_database(url)
        try:
            assert stairway(migrations_path, url) == revisions(migrations_path)
        finally:
            await drop_database(url)

    async def test_the_tables_at_head_are_exactly_the_orm_tables(
        self, db_connection: AsyncConnection
    ) -> None:
        assert await db_connection.run_sync(schema_differences, metadata) == []


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
