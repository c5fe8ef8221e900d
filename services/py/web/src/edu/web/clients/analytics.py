"""analytics-api's public API: a teacher's figures for one of their courses."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from edu.web.clients.models import CourseFigures, DailyActivity
from edu.web.clients.transport import ServiceTransport


class AnalyticsClient(Protocol):
    async def course_figures(self, token: str, course_id: UUID) -> CourseFigures: ...
    async def daily_activity(self, token: str, course_id: UUID) -> DailyActivity: ...


class HttpAnalyticsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def course_figures(self, token: str, course_id: UUID) -> CourseFigures:
        response = await self._http.call("GET", f"/analytics/courses/{course_id}", token=token)
        return CourseFigures.model_validate(response.json())

    async def daily_activity(self, token: str, course_id: UUID) -> DailyActivity:
        """The last 30 days (analytics-api's default range, by its clock, ending today)."""
        path = f"/analytics/courses/{course_id}/daily"
        response = await self._http.call("GET", path, token=token)
        return DailyActivity.model_validate(response.json())
