"""The worker against real PostgreSQL (notifications' database, where the queue lives) and the
real SMTP sink. Each test gets a database of its own: the worker commits, and concurrent
workers lock rows, which a rolled-back outer transaction cannot show."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.db.engine import create_engine, session_factory
from edu.mailsink.sink import SmtpSink, running_sink
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

REPO = Path(__file__).resolve().parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    # The worker owns no schema: it drains notifications' email_queue (ADR 0007).
    return REPO / "migrations" / "notifications"


@pytest.fixture
async def queue_database_url(
    postgres_server: PostgresServer, migrations_path: Path
) -> AsyncIterator[str]:
    server, name = postgres_server.url("postgres"), f"edu_mailq_{uuid.uuid4().hex[:12]}"
    await clone_from_template(server, migrations_path, name)
    try:
        yield postgres_server.url(name)
    finally:
        await drop_database(server, name)


@pytest.fixture
async def sessions(queue_database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(queue_database_url, pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def mail_sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    async with running_sink(tmp_path / "mail") as sink:
        yield sink
