"""Migrations walk up and down, and the tables at head are exactly the ORM's."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from edu.db.databases import create_database, drop_database
from edu.db.migrations import revisions, schema_differences, stairway
from edu.notifications.adapters.orm import metadata
from edu.testing.database_fixtures import PostgresServer


class TestMigrations:
    async def test_every_revision_goes_up_down_and_up_again(
        self, postgres_server: PostgresServer, migrations_path: Path
    ) -> None:
        url = postgres_server.url(f"notifications_stairway_{uuid.uuid4().hex[:12]}")
        await create_database(url)
        try:
            assert stairway(migrations_path, url) == revisions(migrations_path)
        finally:
            await drop_database(url)

    async def test_the_tables_at_head_are_exactly_the_orm_tables(
        self, db_connection: AsyncConnection
    ) -> None:
        assert await db_connection.run_sync(schema_differences, metadata) == []
