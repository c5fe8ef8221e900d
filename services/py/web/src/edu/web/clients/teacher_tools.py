"""teacher-tools' API (issue 24): one course's dashboard for its teacher — unanswered
questions, held items, enrolment figures — each section available or marked unavailable."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from edu.web.clients.transport import ServiceTransport

SectionStatus = Literal["available", "unavailable"]


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class DashboardCourse(_Read):
    id: UUID
    title: str
    status: str


class WaitingQuestion(_Read):
    id: UUID
    author_id: UUID
    body: str
    asked_at: datetime


class Unanswered(_Read):
    status: SectionStatus
    reason: str | None = None
    count: int | None = None
    complete: bool | None = None
    questions: tuple[WaitingQuestion, ...] = ()


class HeldItem(_Read):
    id: UUID
    kind: str
    text: str
    submitted_at: datetime
    reasons: tuple[str, ...] = ()


class Held(_Read):
    status: SectionStatus
    reason: str | None = None
    count: int | None = None
    items: tuple[HeldItem, ...] = ()


class Figures(_Read):
    enrolled: int
    completed: int
    active: int
    completion_rate: float | None = None


class Enrolment(_Read):
    status: SectionStatus
    reason: str | None = None
    figures: Figures | None = None


class CourseDashboard(_Read):
    course: DashboardCourse
    unanswered_questions: Unanswered
    held_items: Held
    enrolment: Enrolment


class TeacherToolsClient(Protocol):
    async def course_dashboard(self, token: str, course_id: UUID) -> CourseDashboard:
        """The teacher's course dashboard; ProblemError 404 for a course not theirs,
        ServiceUnavailable when teacher-tools does not answer."""
        ...


class HttpTeacherToolsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def course_dashboard(self, token: str, course_id: UUID) -> CourseDashboard:
        path = f"/teacher/courses/{course_id}/dashboard"
        response = await self._http.call("GET", path, token=token)
        return CourseDashboard.model_validate(response.json())
