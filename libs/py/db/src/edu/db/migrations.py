"""Alembic, run programmatically, for services and their tests.

A service's ``migrations/<name>/env.py`` is three lines::

    from edu.db.migrations import run_migrations
    from edu.<name>.adapters.orm import metadata
    run_migrations(metadata)

and everything else (async engine, ``connection.run_sync``, type comparison for autogenerate)
lives here once. :func:`upgrade` and :func:`downgrade` work from synchronous code and from
inside a running event loop (Alembic's env then runs on a worker thread with its own loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, pool
from sqlalchemy.ext.asyncio import create_async_engine

# The advisory lock serialising concurrent upgrades of one database (any fixed 64-bit key).
MIGRATION_LOCK = 0x6564755F6D6967  # "edu_mig"


def heads(script_location: str | Path) -> list[str]:
    """The head revision(s) of the scripts at ``script_location`` (no database needed)."""
    return list(ScriptDirectory(str(script_location)).get_heads())


def alembic_config(script_location: str | Path, url: str) -> Config:
    """A Config for the scripts at ``script_location`` against the database at ``url``."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    # ConfigParser interpolates "%": a password containing one must be escaped.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(script_location: str | Path, url: str, revision: str = "head") -> None:
    _outside_loop(command.upgrade, alembic_config(script_location, url), revision)


def downgrade(script_location: str | Path, url: str, revision: str = "base") -> None:
    _outside_loop(command.downgrade, alembic_config(script_location, url), revision)


def revisions(script_location: str | Path) -> list[str]:
    """Revision ids from the first to the head."""
    script = ScriptDirectory(str(script_location))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def stairway(script_location: str | Path, url: str) -> list[str]:
    """Walk every revision up, down and up again on an empty database; the revisions walked.

    Catches downgrades that do not undo their upgrade (a type or index left behind makes the
    second upgrade fail) and revisions that only work when applied in one go with others.
    """
    config = alembic_config(script_location, url)
    walked = revisions(script_location)
    previous = "base"
    for revision in walked:
        _outside_loop(command.upgrade, config, revision)
        _outside_loop(command.downgrade, config, previous)
        _outside_loop(command.upgrade, config, revision)
        previous = revision
    _outside_loop(command.downgrade, config, "base")
    return walked


def schema_differences(connection: Connection, metadata: MetaData) -> list[Any]:
    """What Alembic autogenerate would change to make the database match ``metadata``.

    Empty when the ORM models and the migrations agree. Call it through
    ``await async_connection.run_sync(schema_differences, metadata)``.
    """
    migration = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(migration, metadata))


def run_migrations(target_metadata: MetaData) -> None:
    """The body of a service's ``env.py`` (online mode, async engine)."""
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            # Several pods may start at once (each runs its migrations first, deploy/k8s): one
            # upgrades while the others wait here, then find the schema at its head. PostgreSQL's
            # DDL is transactional, so the lock and the upgrade end together.
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.run_migrations()

    async def migrate_async() -> None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("set sqlalchemy.url on the Alembic config (edu.db.migrations)")
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(migrate_async())


def _outside_loop(fn: Callable[..., None], *args: Any) -> None:
    """Run ``fn`` here, or on a worker thread when this thread already runs an event loop
    (env.py calls ``asyncio.run``, which refuses to nest)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        fn(*args)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(fn, *args).result()
