"""A composition root's sessions: given ones are used as they are, else an engine is opened."""

from __future__ import annotations

from sqlalchemy import QueuePool
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from edu.db.engine import open_sessions

URL = "postgresql+asyncpg://nobody@127.0.0.1:1/nothing"  # engines connect lazily: never here


class TestOpenSessions:
    def test_given_sessions_are_used_and_no_engine_is_opened(self) -> None:
        given = async_sessionmaker()
        assert open_sessions(URL, given=given) == (given, None)

    async def test_without_sessions_an_engine_with_the_pool_size_is_opened(self) -> None:
        sessions, engine = open_sessions(URL, pool_size=3)
        try:
            assert isinstance(engine, AsyncEngine)
            assert isinstance(engine.pool, QueuePool)
            assert engine.pool.size() == 3
            assert sessions.kw["bind"] is engine
        finally:
            assert engine is not None
            await engine.dispose()
