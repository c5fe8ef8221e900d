"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from edu.auth.tokens import TokenVerifier
from edu.teacher_tools.adapters.course_http import HttpCourseDirectory
from edu.teacher_tools.adapters.messaging_http import HttpQaHistory
from edu.teacher_tools.adapters.moderation_http import HttpHeldItems
from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.service_layer.dashboards import Dashboards
from edu.teacher_tools.service_layer.ports import CourseDirectory, HeldItems, QaHistory
from edu.teacher_tools.settings import TeacherToolsSettings


@dataclass
class TeacherToolsContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    dashboards: Dashboards
    courses: CourseDirectory
    verifier: TokenVerifier
    transports: list[UpstreamTransport] = field(default_factory=list)

    async def ping(self) -> None:
        """Raise unless course answers: no dashboard can be shown without it."""
        await self.courses.ping()

    async def close(self) -> None:
        for transport in self.transports:
            await transport.aclose()


def bootstrap(
    settings: TeacherToolsSettings,
    *,
    courses: CourseDirectory | None = None,
    qa: QaHistory | None = None,
    held: HeldItems | None = None,
    verifier: TokenVerifier | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> TeacherToolsContainer:
    """Wire teacher-tools from ``settings``; each keyword replaces one real adapter
    (``http_transport`` serves every upstream's calls: tests route them to fakes)."""
    transports: list[UpstreamTransport] = []

    def upstream(name: str, url: str) -> UpstreamTransport:
        made = UpstreamTransport(
            name, url, timeout=settings.upstream_timeout_seconds, transport=http_transport
        )
        transports.append(made)
        return made

    courses = courses or HttpCourseDirectory(upstream("course", settings.course_service_url))
    dashboards = Dashboards(
        courses,
        qa or HttpQaHistory(upstream("messaging", settings.messaging_service_url)),
        held or HttpHeldItems(upstream("moderation", settings.moderation_service_url)),
        section_timeout=settings.section_timeout_seconds,
        max_pages=settings.max_pages,
    )
    return TeacherToolsContainer(
        dashboards=dashboards,
        courses=courses,
        verifier=verifier or TokenVerifier.from_settings(settings),
        transports=transports,
    )
