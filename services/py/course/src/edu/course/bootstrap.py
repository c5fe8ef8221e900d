"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.course.adapters.catalogue_search import SqlAlchemyCatalogueSearch
from edu.course.adapters.search_http import HttpSearchRanking
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.service_layer.catalogue import Catalogue
from edu.course.service_layer.course_reads import CourseReads
from edu.course.service_layer.ports import CatalogueRanking, CourseUnitOfWork
from edu.course.settings import CourseSettings
from edu.db.engine import open_sessions
from edu.db.outbox import EventPublisher, OutboxRelay, service_relay


@dataclass
class CourseContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    authoring: CourseAuthoring
    catalogue: Catalogue
    reads: CourseReads
    verifier: TokenVerifier
    relay: OutboxRelay | None = None
    engine: AsyncEngine | None = None
    search_client: HttpSearchRanking | None = None

    async def close(self) -> None:
        """Close what the lifespan opened; the relay's publisher is closed by relay_lifespan."""
        if self.search_client is not None:
            await self.search_client.aclose()
        if self.engine is not None:
            await self.engine.dispose()


def bootstrap(
    settings: CourseSettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    verifier: TokenVerifier | None = None,
    publisher: EventPublisher | None = None,
    clock: Clock | None = None,
    ranking: CatalogueRanking | None = None,
) -> CourseContainer:
    """Wire the course service from ``settings``; each keyword replaces one real adapter.

    ``sessions`` binds the repositories to given sessions (integration tests bind them to a
    rolled-back connection); ``verifier`` trusts other keys than identity's JWKS;
    ``ranking`` replaces the search service (without either, course searches by itself).
    """
    clock = clock or SystemClock()
    session_maker, engine = open_sessions(
        settings.database_url, pool_size=settings.database_pool_size, given=sessions
    )

    def unit_of_work() -> CourseUnitOfWork:
        return SqlAlchemyCourseUnitOfWork(session_maker)

    search_client = None
    if ranking is None and settings.search_service_url:
        search_client = HttpSearchRanking(
            settings.search_service_url, timeout=settings.search_timeout_seconds
        )
        ranking = search_client
    return CourseContainer(
        authoring=CourseAuthoring(unit_of_work, clock),
        catalogue=Catalogue(SqlAlchemyCatalogueSearch(session_maker), unit_of_work, ranking),
        reads=CourseReads(unit_of_work),
        verifier=verifier or TokenVerifier.from_settings(settings, clock=clock),
        relay=service_relay(
            session_maker, nats_url=settings.nats_url, publisher=publisher, clock=clock
        ),
        engine=engine,
        search_client=search_client,
    )
