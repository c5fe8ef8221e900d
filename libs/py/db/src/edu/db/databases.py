"""Creating and dropping whole databases (tests, ``edu env``, stairway checks)."""

from __future__ import annotations

import re

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

_SAFE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _admin_url(url: str) -> tuple[str, str]:
    parsed = make_url(url)
    name = parsed.database or ""
    if not _SAFE_NAME.match(name):
        raise ValueError(f"database name {name!r} must be lower-case letters, digits and _")
    return parsed.set(database="postgres").render_as_string(hide_password=False), name


async def create_database(url: str, *, template: str | None = None) -> None:
    """Create the database ``url`` names (optionally as a copy of ``template``)."""
    admin, name = _admin_url(url)
    if template is not None and not _SAFE_NAME.match(template):
        raise ValueError(f"template name {template!r} is not a plain database name")
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            await connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        await engine.dispose()


async def drop_database(url: str) -> None:
    """Drop the database ``url`` names, if it exists, disconnecting its sessions."""
    admin, name = _admin_url(url)
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()
