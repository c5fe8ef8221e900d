"""The enrollment migrations: every revision walks up and down, and the result matches the models."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from edu.db.databases import create_database, drop_database
from edu.db.migrations import schema_differences, stairway
from edu.enrollment.adapters.orm import metadata
from edu.testing.database_fixtures import PostgresServer


class TestMigrations:
    async def test_every_revision_upgrades_downgrades_and_upgrades_again(
        self, postgres_server: PostgresServer, migrations_path: Path
    ) -> None:
        url = postgres_server.url(f"enrollment_stairway_{uuid.uuid4().hex[:12]}")
        await create_database(url)
        try:
            walked = stairway(migrations_path, url)
        finally:
            await drop_database(url)
        assert walked, "no revisions found"

    async def test_the_migrated_schema_matches_the_models(
        self, db_connection: AsyncConnection
    ) -> None:
        assert await db_connection.run_sync(schema_differences, metadata) == []
