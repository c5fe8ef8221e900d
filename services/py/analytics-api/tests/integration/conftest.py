"""analytics-api against real PostgreSQL: rollups written by the aggregator's own use case into
a database of this test's own (the reader's transactions are READ ONLY, so they cannot share
the plugin's rolled-back connection with the writes)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.db.engine import create_engine, session_factory
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

REPO = Path(__file__).resolve().parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return REPO / "migrations" / "analytics"


@pytest.fixture
async def committed_sessions(
    postgres_server: PostgresServer, migrations_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    server, name = postgres_server.url("postgres"), f"edu_analytics_api_{uuid.uuid4().hex[:12]}"
    await clone_from_template(server, migrations_path, name)
    engine = create_engine(postgres_server.url(name), pool_size=4)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
        await drop_database(server, name)
