"""The learning journey across services as one OpenAPI document: create a course, add a lesson,
publish it (course), enrol, complete the lesson, verify the certificate (enrollment).

A service's own document cannot link into another's. The gateway's composed document holds both
services' paths in one document (schemas already merged, every path answered through the
gateway), so this module takes course's and enrollment's part of it and adds the one link only
that can hold: a published course's id is what a student enrols in. schemathesis's stateful
phase then follows the links end to end through the gateway to the real services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edu.common.openapi_links import link
from edu.fuzz.composed import part_of

JOURNEY_SERVICES = ("course", "enrollment")
PUBLISH = ("/courses/{course_id}/publish", "post")
# The cross-service step: enrol in the course that was just published.
ENROL_IN_PUBLISHED = link(
    "POST",
    "/enrollments",
    request_body={"course_id": "$response.body#/id"},
    description="A student enrols in the course that was just published (enrollment service).",
)


class JourneyBroken(LookupError):
    """The composed document lacks a step of the journey (publishing or enrolling)."""


def journey_document(composed: Mapping[str, Any]) -> dict[str, Any]:
    """Course's and enrollment's part of the gateway's composed document, publishing linked to
    enrolling in the published course."""
    document = part_of(composed, JOURNEY_SERVICES)
    document["info"] = {
        **document.get("info", {}),
        "title": "eduplatform learning journey through the api-gateway ("
        + " + ".join(JOURNEY_SERVICES)
        + ")",
    }
    publish = document["paths"].get(PUBLISH[0], {}).get(PUBLISH[1])
    if publish is None or "/enrollments" not in document["paths"]:
        raise JourneyBroken(f"no {PUBLISH[1].upper()} {PUBLISH[0]} or no /enrollments to link")
    publish["responses"]["200"].setdefault("links", {})["enrol"] = ENROL_IN_PUBLISHED
    return document
