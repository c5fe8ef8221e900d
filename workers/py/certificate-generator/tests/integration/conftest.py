"""The worker against real PostgreSQL and NATS JetStream, its PDFs in a folder of the test's
own. Each test gets a database of its own (the consumer commits), cloned from the migrated
template, and streams of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.auth.tokens import TokenVerifier
from edu.certificate_generator.adapters.filesystem_store import FileSystemDocumentStore
from edu.certificate_generator.bootstrap import (
    CertificateGeneratorContainer,
    bootstrap,
    consumer_settings,
)
from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.db.engine import create_engine, session_factory
from edu.events.dispositions import RedeliveryPolicy
from edu.events.jetstream_consumer import ConsumerSettings
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

REPO = Path(__file__).resolve().parents[5]
FAST = RedeliveryPolicy(max_deliveries=3, first_delay=0.05, max_delay=0.2)
WEB_URL = "https://learn.example.org"


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return REPO / "migrations" / "certificates"


@pytest.fixture
async def committed_sessions(
    postgres_server: PostgresServer, migrations_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    server, name = postgres_server.url("postgres"), f"edu_certificates_{uuid.uuid4().hex[:12]}"
    await clone_from_template(server, migrations_path, name)
    engine = create_engine(postgres_server.url(name), pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        await drop_database(server, name)


@pytest.fixture
def settings(nats_url: str, tmp_path: Path) -> CertificateGeneratorSettings:
    return CertificateGeneratorSettings(
        database_url="postgresql+asyncpg://unused/certificates",
        nats_url=nats_url,
        certificate_store_dir=tmp_path / "store",
        web_url=WEB_URL,
    )


@pytest.fixture
def events_settings(
    settings: CertificateGeneratorSettings, nats_namespace: str
) -> ConsumerSettings:
    """The consumer on this test's own streams, with short waits."""
    return replace(
        consumer_settings(settings),
        durable=f"certificates_{nats_namespace}",
        stream=f"{nats_namespace}_EVENTS",
        subject_prefix=f"{nats_namespace}.events",
        dead_letter_prefix=f"{nats_namespace}.dlq.certificates",
        dead_letter_stream=f"{nats_namespace}_DLQ",
        dead_letter_subjects=f"{nats_namespace}.dlq.>",
        ack_wait=1.0,
        fetch_timeout=0.2,
        policy=FAST,
    )


@pytest.fixture
async def jetstream(nats_client: NatsClient, events_settings: ConsumerSettings) -> JetStreamContext:
    js = nats_client.jetstream()
    s = events_settings
    await js.add_stream(name=s.stream, subjects=[f"{s.subject_prefix}.>"])
    await js.add_stream(name=s.dead_letter_stream, subjects=[s.dead_letter_subjects])
    return js


@pytest.fixture
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture
async def worker(
    settings: CertificateGeneratorSettings,
    committed_sessions: async_sessionmaker[AsyncSession],
    events_settings: ConsumerSettings,
    minter: TokenMinter,
) -> AsyncIterator[CertificateGeneratorContainer]:
    container = bootstrap(
        settings,
        sessions=committed_sessions,
        consumer=events_settings,
        store=FileSystemDocumentStore(settings.certificate_store_dir),
        verifier=TokenVerifier.from_keys(minter.jwks()),
    )
    try:
        yield container
    finally:
        await container.close()
