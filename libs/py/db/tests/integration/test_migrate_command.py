"""``python -m edu.db upgrade``, as deployed pods run it first: several at once on one empty
database all succeed and leave it at the head once (the advisory lock in run_migrations)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from edu.db.migrations import heads
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import drop_database

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def empty_database(postgres_server: PostgresServer) -> AsyncIterator[str]:
    name = f"edu_migrate_{uuid4().hex[:12]}"
    server = postgres_server.url("postgres")
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    yield postgres_server.url(name)
    await drop_database(server, name)


async def _upgrade(folder: Path, url: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "edu.db",
        "upgrade",
        str(folder),
        env={**os.environ, "EDU_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


SLOW = Path(__file__).parent / "slow_migrations"


async def test_concurrent_upgrades_of_one_database_all_succeed_once(empty_database: str) -> None:
    """Without the lock the later upgrades create the same tables while the first is still
    uncommitted (it sleeps 3 s in its revision) and fail on PostgreSQL's duplicate key."""
    outcomes = await asyncio.gather(*(_upgrade(SLOW, empty_database) for _ in range(3)))
    assert [code for code, _ in outcomes] == [0, 0, 0], [out for _, out in outcomes]
    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            versions = await connection.execute(text("SELECT version_num FROM alembic_version"))
            assert [row[0] for row in versions] == heads(SLOW)
            tables = await connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables"
                    " WHERE table_name = 'slow_migration_marker'"
                )
            )
            assert tables.scalar_one() == 1
    finally:
        await engine.dispose()


async def test_an_upgrade_without_a_database_url_says_so(migrations_path: Path) -> None:
    code, output = await _upgrade(migrations_path, "")
    assert code == 2
    assert "EDU_DATABASE_URL is not set" in output
