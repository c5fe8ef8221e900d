"""Per-worker databases cloned from a template that has the migrations applied.

The template's name carries a fingerprint of the migrations folder, so a changed migration
makes a new template, and an unchanged one is built once per server (on a shared external
server: once, ever). Workers serialise on a PostgreSQL advisory lock named after the template:
the first builds it (under a temporary name, renamed when complete, so a failed migration never
leaves a half-built template), every worker then clones it, which takes milliseconds.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from edu.infra.databases import (
    admin_engine,
    checked_name,
    database_exists,
    upgrade_to_head,
    with_database,
)


def migrations_fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def template_name(folder: Path) -> str:
    return f"edu_tpl_{migrations_fingerprint(folder)}"


async def clone_from_template(server_url: str, migrations: Path, database: str) -> str:
    """(Re)create ``database`` as a copy of the migrated template; returns the template's name."""
    if not (migrations / "env.py").is_file():
        raise FileNotFoundError(
            f"{migrations} is not an Alembic script folder (no env.py); "
            "check what your migrations_path fixture returns"
        )
    template = template_name(migrations)
    engine = admin_engine(server_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(hashtext(:n))"), {"n": template})
            if not await database_exists(conn, template):
                await _build_template(conn, server_url, migrations, template)
            await conn.execute(
                text(f'DROP DATABASE IF EXISTS "{checked_name(database)}" WITH (FORCE)')
            )
            await conn.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{template}"'))
    finally:
        await engine.dispose()
    return template


async def _build_template(
    conn: AsyncConnection, server_url: str, migrations: Path, template: str
) -> None:
    building = checked_name(f"{template}_building")
    await conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
    await conn.execute(text(f'CREATE DATABASE "{building}"'))
    # Alembic's env.py runs its own event loop (asyncio.run): give it a thread without one.
    await asyncio.to_thread(upgrade_to_head, str(migrations), with_database(server_url, building))
    await conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{template}"'))
    # Nobody may connect to a template: a stray connection would make every clone fail.
    await conn.execute(
        text(f'ALTER DATABASE "{template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
    )


async def drop_database(server_url: str, database: str) -> None:
    engine = admin_engine(server_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(
                text(f'DROP DATABASE IF EXISTS "{checked_name(database)}" WITH (FORCE)')
            )
    finally:
        await engine.dispose()
