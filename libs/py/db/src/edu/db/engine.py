"""The async SQLAlchemy engine for one service database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An engine on ``url`` (``postgresql+asyncpg://...``); it connects lazily, on first use.

    ``pool_pre_ping`` costs one round trip per checkout but turns a database restart into a
    reconnect instead of an error on the first request after it.
    """
    return _create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions as every service uses them: objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
