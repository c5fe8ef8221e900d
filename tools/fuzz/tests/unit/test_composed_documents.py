"""Each run's part of the gateway's composed document, and the journey made from it."""

from __future__ import annotations

from typing import Any

import pytest

from edu.fuzz.composed import SERVICE_EXTENSION, NotRouted, part_of, services_in
from edu.fuzz.journey import JourneyBroken, journey_document

PUBLISH = "/courses/{course_id}/publish"


def operation(schema: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"responses": {"200": {"content": {"application/json": {"schema": ref}}}}}


def composed(*paths: tuple[str, str]) -> dict[str, Any]:
    """A composed document: (path, service) pairs, as the gateway marks them."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "eduplatform through the api-gateway", "version": "0"},
        "paths": {
            path: {"post": operation("Out"), SERVICE_EXTENSION: service} for path, service in paths
        },
        "components": {
            "schemas": {"Out": {"type": "object"}, "GatewayProblem": {"type": "object"}},
            "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
        },
    }


DOCUMENT = composed(
    ("/courses", "course"),
    (PUBLISH, "course"),
    ("/enrollments", "enrollment"),
    ("/auth/login", "identity"),
)


class TestPartOf:
    def test_keeps_the_services_paths_and_every_component(self) -> None:
        part = part_of(DOCUMENT, ["course"])
        assert set(part["paths"]) == {"/courses", PUBLISH}
        assert part["components"] == DOCUMENT["components"]
        assert set(DOCUMENT["paths"]) == {"/courses", PUBLISH, "/enrollments", "/auth/login"}

    def test_a_service_the_gateway_does_not_route_is_refused_rather_than_fuzzed_empty(
        self,
    ) -> None:
        with pytest.raises(NotRouted, match="notifications"):
            part_of(DOCUMENT, ["course", "notifications"])

    def test_names_the_services_of_the_document(self) -> None:
        assert services_in(DOCUMENT) == {"course", "enrollment", "identity"}


class TestJourneyDocument:
    def test_holds_course_and_enrollment_only(self) -> None:
        journey = journey_document(DOCUMENT)
        assert set(journey["paths"]) == {"/courses", PUBLISH, "/enrollments"}

    def test_publishing_links_to_enrolling_in_the_published_course(self) -> None:
        journey = journey_document(DOCUMENT)
        enrol = journey["paths"][PUBLISH]["post"]["responses"]["200"]["links"]["enrol"]
        assert enrol["operationRef"] == "#/paths/~1enrollments/post"
        assert enrol["requestBody"] == {"course_id": "$response.body#/id"}
        assert "links" not in DOCUMENT["paths"][PUBLISH]["post"]["responses"]["200"]

    def test_a_document_without_publishing_is_refused(self) -> None:
        with pytest.raises(JourneyBroken):
            journey_document(composed(("/courses", "course"), ("/enrollments", "enrollment")))
