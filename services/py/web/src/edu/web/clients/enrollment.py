"""enrollment's public API: a student's enrolments and progress, and certificate checks."""

from __future__ import annotations

import re
from typing import Protocol
from uuid import UUID

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import Certificate, Enrollment
from edu.web.clients.transport import ServiceTransport

# The service's own rule for codes; anything else cannot be a certificate and stays off the path.
CERTIFICATE_CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class EnrollmentClient(Protocol):
    async def enrol(self, token: str, course_id: UUID) -> Enrollment: ...
    async def enrollments(self, token: str) -> list[Enrollment]: ...
    async def complete_lesson(
        self, token: str, enrollment_id: UUID, lesson_id: UUID
    ) -> Enrollment: ...
    async def certificate(self, code: str) -> Certificate | None: ...


class HttpEnrollmentClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def enrol(self, token: str, course_id: UUID) -> Enrollment:
        body = {"course_id": str(course_id)}
        response = await self._http.call("POST", "/enrollments", token=token, json=body)
        return Enrollment.model_validate(response.json())

    async def enrollments(self, token: str) -> list[Enrollment]:
        response = await self._http.call("GET", "/enrollments", token=token)
        return [Enrollment.model_validate(item) for item in response.json()]

    async def complete_lesson(self, token: str, enrollment_id: UUID, lesson_id: UUID) -> Enrollment:
        path = f"/enrollments/{enrollment_id}/completed-lessons/{lesson_id}"
        response = await self._http.call("PUT", path, token=token)
        return Enrollment.model_validate(response.json())

    async def certificate(self, code: str) -> Certificate | None:
        """The certificate with this verification code, or None (unknown or malformed code)."""
        if not CERTIFICATE_CODE.match(code):
            return None
        try:
            response = await self._http.call("GET", f"/certificates/{code}")
        except ProblemError as problem:
            if problem.status in (404, 422):
                return None
            raise
        return Certificate.model_validate(response.json())
