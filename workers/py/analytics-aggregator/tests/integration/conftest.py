"""The aggregator against real PostgreSQL and NATS JetStream. Each pipeline test gets a database
of its own (the consumers commit), cloned from the migrated template, and streams of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.analytics_aggregator.bootstrap import (
    AggregatorContainer,
    bootstrap,
    course_consumer_settings,
    learning_consumer_settings,
)
from edu.analytics_aggregator.settings import AggregatorSettings
from edu.db.engine import create_engine, session_factory
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

REPO = Path(__file__).resolve().parents[5]
FAST = RedeliveryPolicy(max_deliveries=3, first_delay=0.05, max_delay=0.2)


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return REPO / "migrations" / "analytics"


@pytest.fixture
async def committed_sessions(
    postgres_server: PostgresServer, migrations_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    server, name = postgres_server.url("postgres"), f"edu_analytics_{uuid.uuid4().hex[:12]}"
    await clone_from_template(server, migrations_path, name)
    engine = create_engine(postgres_server.url(name), pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        await drop_database(server, name)


@pytest.fixture
def settings(nats_url: str) -> AggregatorSettings:
    return AggregatorSettings(
        database_url="postgresql+asyncpg://unused/analytics", nats_url=nats_url
    )


@pytest.fixture
def learning_settings(settings: AggregatorSettings, nats_namespace: str) -> ConsumerSettings:
    """The learning consumer on this test's own stream, with short waits."""
    return replace(
        learning_consumer_settings(settings),
        durable=f"analytics_{nats_namespace}",
        stream=f"{nats_namespace}_LEARNING",
        subject_prefix=f"{nats_namespace}.learning",
        dead_letter_prefix=f"{nats_namespace}.dlq.analytics",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        ack_wait=1.0,
        fetch_timeout=0.2,
        lag_interval=0.1,
        policy=FAST,
    )


@pytest.fixture
def course_settings(
    settings: AggregatorSettings, nats_namespace: str, learning_settings: ConsumerSettings
) -> ConsumerSettings:
    return replace(
        course_consumer_settings(settings),
        durable=f"analytics_courses_{nats_namespace}",
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        dead_letter_prefix=learning_settings.dead_letter_prefix,
        dead_letter_stream=learning_settings.dead_letter_stream,
        dead_letter_subjects=learning_settings.dead_letter_subjects,
        ack_wait=1.0,
        fetch_timeout=0.2,
        policy=FAST,
    )


@pytest.fixture
async def jetstream(
    nats_client: NatsClient, learning_settings: ConsumerSettings, course_settings: ConsumerSettings
) -> JetStreamContext:
    js = nats_client.jetstream()
    for s in (learning_settings, course_settings):
        await js.add_stream(name=s.stream, subjects=[f"{s.subject_prefix}.>"])
    await js.add_stream(
        name=learning_settings.dead_letter_stream,
        subjects=[learning_settings.dead_letter_subjects],
    )
    return js


@pytest.fixture
def aggregator(
    settings: AggregatorSettings,
    committed_sessions: async_sessionmaker[AsyncSession],
    learning_settings: ConsumerSettings,
    course_settings: ConsumerSettings,
) -> AggregatorContainer:
    return bootstrap(
        settings, sessions=committed_sessions, learning=learning_settings, courses=course_settings
    )
