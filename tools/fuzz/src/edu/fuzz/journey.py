"""The learning journey across services as one OpenAPI document: create a course, add a lesson,
publish it (course), enrol, complete the lesson, verify the certificate (enrollment).

A link cannot point into another service's document, so this module merges course's and
enrollment's documents into one: every path keeps its own ``servers`` (the service that answers
it), component schemas get a prefix per service so equal names cannot collide, and the one link
only the merge can hold is added: a published course's id is what a student enrols in.
schemathesis's stateful phase then follows the links end to end against the real services.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from edu.common.openapi_links import link

SCHEMA_REF = "#/components/schemas/"
PUBLISH = ("/courses/{course_id}/publish", "post")
# The cross-service step: enrol in the course that was just published.
ENROL_IN_PUBLISHED = link(
    "POST",
    "/enrollments",
    request_body={"course_id": "$response.body#/id"},
    description="A student enrols in the course that was just published (enrollment service).",
)


class DocumentsClash(ValueError):
    """Two services serve the same path, so one document cannot hold both."""


# Every service's own liveness (edu.common.health): no step of the journey, and served by each
# service at the same path. Each service's own campaign fuzzes it.
NOT_IN_THE_JOURNEY = frozenset({"/health"})


def journey_document(
    documents: Mapping[str, dict[str, Any]], urls: Mapping[str, str]
) -> dict[str, Any]:
    """Merge ``documents`` (service name -> its OpenAPI) into one answered by ``urls``."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "eduplatform learning journey (" + " + ".join(documents) + ")",
            "version": "0",
        },
        "servers": [{"url": urls[next(iter(documents))]}],
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
    }
    for service, document in documents.items():
        own = _prefixed(copy.deepcopy(document), f"{service}_")
        for path, item in own.get("paths", {}).items():
            if path in NOT_IN_THE_JOURNEY:
                continue
            if path in merged["paths"]:
                raise DocumentsClash(f"{path} is served by more than one of {list(documents)}")
            merged["paths"][path] = {**item, "servers": [{"url": urls[service]}]}
        components = own.get("components", {})
        merged["components"]["schemas"].update(components.get("schemas", {}))
        merged["components"]["securitySchemes"].update(components.get("securitySchemes", {}))
    publish = merged["paths"].get(PUBLISH[0], {}).get(PUBLISH[1])
    if publish is not None and "/enrollments" in merged["paths"]:
        publish["responses"]["200"].setdefault("links", {})["enrol"] = ENROL_IN_PUBLISHED
    return merged


def _prefixed(document: dict[str, Any], prefix: str) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    document.setdefault("components", {})["schemas"] = {prefix + k: v for k, v in schemas.items()}
    return _rewrite_refs(document, prefix)  # type: ignore[no-any-return]


def _rewrite_refs(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {
            key: SCHEMA_REF + prefix + value.removeprefix(SCHEMA_REF)
            if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF)
            else _rewrite_refs(value, prefix)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node
