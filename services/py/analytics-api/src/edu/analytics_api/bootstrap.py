"""The composition root: settings in, the wired use case out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.analytics_api.adapters.sql_reader import SqlAlchemyAnalyticsReader
from edu.analytics_api.service_layer.course_analytics import CourseAnalytics
from edu.analytics_api.service_layer.ports import AnalyticsReader
from edu.analytics_api.settings import AnalyticsApiSettings
from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.db.engine import open_sessions


@dataclass
class AnalyticsApiContainer:
    analytics: CourseAnalytics
    reader: AnalyticsReader
    verifier: TokenVerifier
    engine: AsyncEngine | None = None

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()


def bootstrap(
    settings: AnalyticsApiSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    reader: AnalyticsReader | None = None,
    verifier: TokenVerifier | None = None,
    clock: Clock | None = None,
) -> AnalyticsApiContainer:
    """Wire analytics-api; each keyword replaces one real adapter (tests)."""
    clock = clock or SystemClock()
    engine = None
    if reader is None:
        opened, engine = open_sessions(
            settings.database_url, pool_size=settings.database_pool_size, given=sessions
        )
        reader = SqlAlchemyAnalyticsReader(opened)
    return AnalyticsApiContainer(
        analytics=CourseAnalytics(reader, clock),
        reader=reader,
        verifier=verifier or TokenVerifier(jwks_url=settings.jwks_url, clock=clock),
        engine=engine,
    )
