"""Databases on a shared PostgreSQL server: URLs per database, create when missing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the heavy imports happen on use: every `edu` command imports this module
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def checked_name(name: str) -> str:
    """Database names are ours, so we allow only plain lowercase identifiers (no quoting games)."""
    if not _SAFE_NAME.match(name):
        raise ValueError(f"database name {name!r} must match {_SAFE_NAME.pattern}")
    return name


def with_database(url: str, database: str) -> str:
    """The same server URL, pointing at another database."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=checked_name(database)).render_as_string(hide_password=False)


def admin_engine(server_url: str) -> AsyncEngine:
    """An engine for CREATE/DROP DATABASE, which refuse to run inside a transaction."""
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    return create_async_engine(
        with_database(server_url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


async def database_exists(conn: AsyncConnection, name: str) -> bool:
    from sqlalchemy import text

    found = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    return found is not None


async def create_database_if_missing(server_url: str, name: str) -> bool:
    """Create ``name`` on the server behind ``server_url``; True when it was created now."""
    from sqlalchemy import text

    engine = admin_engine(server_url)
    try:
        async with engine.connect() as conn:
            # Serialise concurrent callers (several services, xdist workers) per name.
            await conn.execute(text("SELECT pg_advisory_lock(hashtext(:n))"), {"n": name})
            if await database_exists(conn, name):
                return False
            await conn.execute(text(f'CREATE DATABASE "{checked_name(name)}"'))
            return True
    finally:
        await engine.dispose()


def alembic_config(script_location: str, url: str) -> Config:
    """FIXED INTERFACE: script_location plus sqlalchemy.url (asyncpg); env.py reads the latter."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(script_location: str, url: str) -> None:
    """Apply every migration. Call it where no event loop runs (env.py calls asyncio.run)."""
    from alembic import command

    command.upgrade(alembic_config(script_location, url), "head")
