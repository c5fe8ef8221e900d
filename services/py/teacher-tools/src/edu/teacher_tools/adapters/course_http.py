"""course's teaching API (``/teaching/courses``): whose course it is, asked with the
teacher's own token."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from edu.common.problems import PermissionDenied, Unauthenticated
from edu.teacher_tools.adapters.transport import UpstreamTransport
from edu.teacher_tools.domain.dashboard import CourseRef
from edu.teacher_tools.service_layer.ports import UpstreamUnavailable


class _CourseJson(BaseModel):
    id: str
    title: str
    status: str
    published_at: str | None = None

    def ref(self) -> CourseRef:
        return CourseRef(
            id=self.id,
            title=self.title,
            status=self.status,
            ever_published=self.published_at is not None,
        )


class HttpCourseDirectory:
    def __init__(self, transport: UpstreamTransport) -> None:
        self._http = transport

    async def ping(self) -> None:
        await self._http.ping()

    async def own_courses(self, token: str) -> Sequence[CourseRef]:
        response = await self._http.get("/teaching/courses", token=token)
        _refusal(response)
        return [self._course(entry) for entry in self._list(self._http.body(response))]

    async def own_course(self, token: str, course_id: UUID) -> CourseRef | None:
        response = await self._http.get(f"/teaching/courses/{course_id}", token=token)
        if response.status_code == 404:
            return None
        _refusal(response)
        return self._course(self._http.body(response))

    def _list(self, body: Any) -> list[Any]:
        if not isinstance(body, list):
            raise UpstreamUnavailable(self._http.upstream, "answered no list of courses")
        return body

    def _course(self, body: Any) -> CourseRef:
        try:
            return _CourseJson.model_validate(body).ref()
        except ValidationError as exc:
            raise UpstreamUnavailable(self._http.upstream, "answered no course") from exc


def _refusal(response: httpx.Response) -> None:
    """course's 401/403 are the caller's: passed on as ours."""
    if response.status_code == 401:
        raise Unauthenticated("course did not accept the access token: sign in again.")
    if response.status_code == 403:
        raise PermissionDenied("Only a teacher has a dashboard.")
