"""Course and enrollment merged into one document the stateful phase can walk end to end."""

from __future__ import annotations

from typing import Any

import pytest

from edu.fuzz.journey import DocumentsClash, journey_document

URLS = {"course": "http://127.0.0.1:1", "enrollment": "http://127.0.0.1:2"}


def document(path: str, schema: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    responses = {"200": {"content": {"application/json": {"schema": ref}}}}
    return {
        "openapi": "3.1.0",
        "paths": {path: {"post": {"responses": responses}}, **(extra or {})},
        "components": {"schemas": {schema: {"type": "object"}, "Problem": {"type": "object"}}},
    }


class TestJourneyDocument:
    def test_each_path_is_answered_by_its_own_service(self) -> None:
        merged = journey_document(
            {
                "course": document("/courses/{course_id}/publish", "CourseOut"),
                "enrollment": document("/enrollments", "EnrollmentOut"),
            },
            URLS,
        )
        assert merged["paths"]["/enrollments"]["servers"] == [{"url": URLS["enrollment"]}]
        assert merged["paths"]["/courses/{course_id}/publish"]["servers"] == [
            {"url": URLS["course"]}
        ]

    def test_schemas_are_prefixed_so_equal_names_cannot_collide(self) -> None:
        merged = journey_document(
            {"course": document("/c", "Out"), "enrollment": document("/e", "Out")}, URLS
        )
        schemas = merged["components"]["schemas"]
        assert {"course_Out", "enrollment_Out", "course_Problem", "enrollment_Problem"} <= set(
            schemas
        )
        content = merged["paths"]["/e"]["post"]["responses"]["200"]["content"]
        assert (
            content["application/json"]["schema"]["$ref"] == "#/components/schemas/enrollment_Out"
        )

    def test_publishing_links_to_enrolling_in_the_published_course(self) -> None:
        merged = journey_document(
            {
                "course": document("/courses/{course_id}/publish", "CourseOut"),
                "enrollment": document("/enrollments", "EnrollmentOut"),
            },
            URLS,
        )
        publish = merged["paths"]["/courses/{course_id}/publish"]["post"]
        enrol = publish["responses"]["200"]["links"]["enrol"]
        assert enrol["operationRef"] == "#/paths/~1enrollments/post"
        assert enrol["requestBody"] == {"course_id": "$response.body#/id"}

    def test_a_path_served_twice_is_refused(self) -> None:
        with pytest.raises(DocumentsClash):
            journey_document(
                {"course": document("/x", "A"), "enrollment": document("/x", "B")}, URLS
            )

    def test_each_services_liveness_stays_out_of_the_journey(self) -> None:
        merged = journey_document(
            {
                "course": document("/courses", "A", {"/health": {"get": {"responses": {}}}}),
                "enrollment": document(
                    "/enrollments", "B", {"/health": {"get": {"responses": {}}}}
                ),
            },
            URLS,
        )
        assert set(merged["paths"]) == {"/courses", "/enrollments"}
