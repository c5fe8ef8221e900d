"""FakeTeacherToolsClient: each course's dashboard in memory, shown only to the course's
teacher (another teacher's course and an unknown one are the same 404, as teacher-tools
answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from edu.auth.principal import TEACHER
from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.teacher_tools import CourseDashboard
from edu.web.testing.switch import Switchable, principal_of


@dataclass
class FakeTeacherToolsClient(Switchable):
    verifier: TokenVerifier
    name: str = "teacher-tools"
    owners: dict[UUID, UUID] = field(default_factory=dict)
    dashboards: dict[UUID, CourseDashboard] = field(default_factory=dict)

    def record(self, teacher_id: UUID, dashboard: CourseDashboard) -> None:
        self.owners[dashboard.course.id] = teacher_id
        self.dashboards[dashboard.course.id] = dashboard

    async def course_dashboard(self, token: str, course_id: UUID) -> CourseDashboard:
        self.answer()
        principal = principal_of(self.verifier, token)
        if not principal.has_role(TEACHER):
            raise ProblemError(403, "Not allowed", "Only a teacher has a dashboard.")
        if self.owners.get(course_id) != principal.user_id:
            raise ProblemError(404, "Not found", "You have no course with this id.")
        return self.dashboards[course_id]
