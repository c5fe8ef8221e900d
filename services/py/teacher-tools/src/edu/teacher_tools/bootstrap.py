"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.tokens import TokenVerifier
from edu.db.engine import open_sessions
from edu.teacher_tools.adapters.course_http import HttpCourseDirectory
from edu.teacher_tools.adapters.enrolments_sql import (
    SqlAlchemyTeacherToolsUnitOfWork,
    SqlEnrolmentFigures,
)
from edu.teacher_tools.adapters.messaging_http import HttpQaHistory
from edu.teacher_tools.adapters.moderation_http import HttpHeldItems
from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.service_layer.dashboards import Dashboards
from edu.teacher_tools.service_layer.enrolments import Enrolments
from edu.teacher_tools.service_layer.ports import (
    CourseDirectory,
    EnrolmentFiguresReader,
    HeldItems,
    QaHistory,
    TeacherToolsUnitOfWork,
)
from edu.teacher_tools.settings import TeacherToolsSettings


@dataclass
class TeacherToolsContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    dashboards: Dashboards
    enrolments: Enrolments
    courses: CourseDirectory
    figures: EnrolmentFiguresReader
    verifier: TokenVerifier
    database: async_sessionmaker[AsyncSession]
    transports: list[UpstreamTransport] = field(default_factory=list)
    engine: AsyncEngine | None = None

    async def ping(self) -> None:
        """Raise unless course and the database answer: no dashboard without course, no
        enrolments kept without the database."""
        await self.courses.ping()
        await self.figures.ping()

    async def close(self) -> None:
        for transport in self.transports:
            await transport.aclose()
        if self.engine is not None:
            await self.engine.dispose()


def bootstrap(
    settings: TeacherToolsSettings,
    *,
    courses: CourseDirectory | None = None,
    qa: QaHistory | None = None,
    held: HeldItems | None = None,
    figures: EnrolmentFiguresReader | None = None,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    verifier: TokenVerifier | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> TeacherToolsContainer:
    """Wire teacher-tools from ``settings``; each keyword replaces one real adapter
    (``http_transport`` serves every upstream's calls: tests route them to fakes;
    ``sessions``: integration tests bind them to a rolled-back connection)."""
    transports: list[UpstreamTransport] = []
    session_maker, engine = open_sessions(
        settings.database_url, pool_size=settings.database_pool_size, given=sessions
    )

    def unit_of_work() -> TeacherToolsUnitOfWork:
        return SqlAlchemyTeacherToolsUnitOfWork(session_maker)

    def upstream(name: str, url: str) -> UpstreamTransport:
        made = UpstreamTransport(
            name, url, timeout=settings.upstream_timeout_seconds, transport=http_transport
        )
        transports.append(made)
        return made

    courses = courses or HttpCourseDirectory(upstream("course", settings.course_service_url))
    figures = figures or SqlEnrolmentFigures(session_maker)
    dashboards = Dashboards(
        courses,
        qa or HttpQaHistory(upstream("messaging", settings.messaging_service_url)),
        held or HttpHeldItems(upstream("moderation", settings.moderation_service_url)),
        figures,
        section_timeout=settings.section_timeout_seconds,
        max_pages=settings.max_pages,
    )
    return TeacherToolsContainer(
        dashboards=dashboards,
        enrolments=Enrolments(unit_of_work),
        courses=courses,
        figures=figures,
        verifier=verifier or TokenVerifier.from_settings(settings),
        database=session_maker,
        transports=transports,
        engine=engine,
    )
