"""The async SQLAlchemy engine for one service database, and the sessions its units of work use."""

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


def open_sessions(
    url: str, *, pool_size: int = 10, given: async_sessionmaker[AsyncSession] | None = None
) -> tuple[async_sessionmaker[AsyncSession], AsyncEngine | None]:
    """A composition root's sessions: ``given`` ones (integration tests bind them to a
    rolled-back connection), else those of a new engine on ``url``. The engine comes back
    beside them, for the caller to dispose of at shutdown; None when the sessions were given.
    """
    if given is not None:
        return given, None
    engine = create_engine(url, pool_size=pool_size)
    return session_factory(engine), engine
