"""web -> enrollment: a student's enrolments and public certificate checks, through web's real
enrollment client."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from edu.web.clients.enrollment import HttpEnrollmentClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
BEARER = match.regex("Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln", regex=r"^Bearer \S+$")
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
ENROLLMENT: dict[str, Any] = {
    "id": match.uuid("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"),
    "course_id": match.uuid("0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b"),
    "course_title": match.str("Python from scratch"),
    "status": match.str("active"),
    "enrolled_at": match.regex("2026-11-27T10:00:00Z", regex=TIMESTAMP),
    "completed_at": None,
    "progress": {
        "completed_lessons": match.int(0),
        "total_lessons": match.int(1),
        "percent": match.int(0),
    },
    "completed_lesson_ids": [],
    "certificate_code": None,
}
UNKNOWN_CODE = "NOSUCHCERTIFICATE000"


def enrollment_pact() -> Pact:
    pact = Pact("web", "enrollment").with_specification("V4")
    (
        pact.upon_receiving("a student lists their enrolments")
        .given("a signed-in student enrolled in a published course")
        .with_request("GET", "/enrollments")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(match.each_like(ENROLLMENT), JSON)
    )
    (
        pact.upon_receiving("a visitor checks an unknown certificate code")
        .with_request("GET", f"/certificates/{UNKNOWN_CODE}")
        .will_respond_with(404)
        .with_body({"title": match.str("Not Found"), "status": 404}, "application/problem+json")
    )
    return pact


@pytest.mark.pact_pair("web", "enrollment")
class TestWebEnrollmentContract:
    async def test_web_enrollment_client_reads_what_enrollment_promises(
        self, pact_check: Any
    ) -> None:
        pact = enrollment_pact()
        with pact.serve() as server:
            client = HttpEnrollmentClient(
                ServiceTransport("enrollment", str(server.url), timeout=5)
            )
            enrollments = await client.enrollments("eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
            certificate = await client.certificate(UNKNOWN_CODE)
            assert enrollments[0].progress.total_lessons == 1
            assert certificate is None
        pact_check(pact)
