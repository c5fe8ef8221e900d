"""enrollment <- course: the course.published snapshot enrollment's read model is fed from, as
enrollment decodes it (edu.events.decode) and reads it (its real outline_from_event)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from pact import Pact, match

from edu.enrollment.entrypoints.course_events import outline_from_event
from edu.events import decode

JSON = "application/json"
TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
COURSE_ID = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b"


def course_pact() -> Pact:
    pact = Pact("enrollment", "course").with_specification("V4")
    body = {
        "id": match.uuid("9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b"),
        "type": "course.published",
        "occurred_at": match.regex("2026-11-27T10:00:00.123456Z", regex=TIMESTAMP),
        "aggregate": "course",
        "aggregate_id": match.uuid(COURSE_ID),
        "version": match.int(2),
        "course_published": {
            "course_id": match.uuid(COURSE_ID),
            "teacher_id": match.uuid("3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10"),
            "title": match.str("Python from scratch"),
            "lesson_ids": match.each_like(match.uuid("5d6e7f80-9a1b-4c2d-8e3f-405162738495")),
        },
    }
    (
        pact.upon_receiving("a course.published event", "Async")
        .given("a teacher has published a course with one lesson")
        .with_body(body, JSON)
        .with_metadata({"subject": "events.course.published"})
    )
    return pact


@pytest.mark.pact_pair("enrollment", "course")
class TestEnrollmentMessageContracts:
    def test_enrollment_reads_course_published_into_an_outline(self, pact_check: Any) -> None:
        pact = course_pact()
        outlines = []

        def receive(body: str | bytes | None, metadata: dict[str, object]) -> None:
            assert body is not None
            outlines.append(outline_from_event(decode(body)))

        pact.verify(receive, "Async")
        outline = outlines[0]
        assert outline is not None
        assert outline.course_id == UUID(COURSE_ID)
        assert outline.published
        assert len(outline.lesson_ids) == 1
        pact_check(pact)
