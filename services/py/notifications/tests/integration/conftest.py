"""notifications against real PostgreSQL, NATS JetStream and the SMTP sink.

Most tests run inside the plugin's rolled-back connection. The pipeline tests run the consumer
and the email-sender worker concurrently, each committing its own transactions (and the
worker locking rows), so they get a database of their own, cloned from the migrated template
in milliseconds and dropped afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.db.engine import create_engine, session_factory
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings
from edu.mailsink.sink import SmtpSink, running_sink
from edu.notifications.service_layer.event_handling import SUBSCRIBED_EVENTS
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

REPO = Path(__file__).resolve().parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return REPO / "migrations" / "notifications"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """The app's sessions, bound to the test's connection: commits become savepoints."""
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
async def committed_sessions(
    postgres_server: PostgresServer, migrations_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database of this test's own, where commits are real."""
    server, name = postgres_server.url("postgres"), f"edu_notif_{uuid.uuid4().hex[:12]}"
    await clone_from_template(server, migrations_path, name)
    engine = create_engine(postgres_server.url(name), pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        await drop_database(server, name)


@pytest.fixture
async def mail_sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    async with running_sink(tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def consumer_settings(nats_namespace: str) -> ConsumerSettings:
    """notifications' consumer on this test's own stream, subjects and dead-letter stream,
    with short waits so redeliveries happen within the test."""
    return ConsumerSettings(
        durable=f"notifications_{nats_namespace}",
        event_types=SUBSCRIBED_EVENTS,
        dead_letter_prefix=f"{nats_namespace}.dlq.notifications",
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        ack_wait=1.0,
        fetch_timeout=0.2,
        policy=RedeliveryPolicy(max_deliveries=3, first_delay=0.05, max_delay=0.2),
    )


@pytest.fixture
async def jetstream(
    nats_client: NatsClient, consumer_settings: ConsumerSettings
) -> JetStreamContext:
    """JetStream with this test's events and dead-letter streams in place (the consumer
    creates them too, but a test publishes and subscribes before it runs)."""
    js = nats_client.jetstream()
    s = consumer_settings
    await js.add_stream(name=s.stream, subjects=[f"{s.subject_prefix}.>"])
    await js.add_stream(name=s.dead_letter_stream, subjects=[s.dead_letter_subjects])
    return js
