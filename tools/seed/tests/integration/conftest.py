"""Four fresh databases (identity, course, enrollment, analytics), migrated, on the plugin's
server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest_asyncio

from edu.seed.wiring import DatabaseUrls
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

MIGRATIONS = Path(__file__).parents[4] / "migrations"
SERVICES = ("identity", "course", "enrollment", "analytics")


@pytest_asyncio.fixture(loop_scope="session")
async def seed_databases(postgres_server: PostgresServer) -> AsyncIterator[DatabaseUrls]:
    admin = postgres_server.url("postgres")
    names = {service: f"edu_seed_{uuid4().hex[:10]}_{service}" for service in SERVICES}
    for service, name in names.items():
        await clone_from_template(admin, MIGRATIONS / service, name)
    try:
        yield DatabaseUrls(**{s: postgres_server.url(n) for s, n in names.items()})
    finally:
        for name in names.values():
            await drop_database(admin, name)
