"""What the OpenAPI diff engine's tests (edu.cli.openapi_gate) compare: a small course API
written the way FastAPI (pydantic 2, OpenAPI 3.1) writes specs: models behind $refs, Optional
as anyOf with null, enums as components, 422s everywhere. ``old`` and ``new`` are two fresh
copies of it; a test changes one and diffs them. The helpers are handed out as fixtures (test
modules cannot import each other).
"""

from collections.abc import Callable
from typing import Any

import pytest

from edu.cli.openapi_gate.changes import Change
from edu.cli.openapi_gate.operations import diff_specs

Spec = dict[str, Any]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def course_api() -> Spec:
    invalid = {"description": "Validation Error", **json_body(ref("HTTPValidationError"))}
    return {
        "openapi": "3.1.0",
        "info": {"title": "course", "version": "1.0.0"},
        "paths": {
            "/courses": {
                "get": {
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"anyOf": [ref("Status"), {"type": "null"}]},
                        },
                    ],
                    "responses": {
                        "200": json_body({"type": "array", "items": ref("Course")}),
                        "422": invalid,
                    },
                },
                "post": {
                    "requestBody": {"required": True, **json_body(ref("CourseIn"))},
                    "responses": {"201": json_body(ref("Course")), "422": invalid},
                },
            },
            "/courses/{course_id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "course_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "include",
                            "in": "query",
                            "required": False,
                            "schema": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        },
                    ],
                    "responses": {
                        "200": json_body(ref("Course")),
                        "404": {"description": "Not Found"},
                        "422": invalid,
                    },
                },
            },
        },
        "components": {
            "schemas": {
                "Course": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "status": ref("Status"),
                        "lessons": {"type": "array", "items": ref("Lesson")},
                        "subtitle": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "prerequisite": {"anyOf": [ref("Course"), {"type": "null"}]},
                    },
                    "required": ["id", "title", "status", "lessons"],
                },
                "Lesson": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "position": {"type": "integer"},
                    },
                    "required": ["id", "title", "position"],
                },
                "CourseIn": {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string", "maxLength": 200},
                        "level": {**ref("Level"), "default": "beginner"},
                    },
                    "required": ["title"],
                },
                "Status": {"type": "string", "enum": ["draft", "published"]},
                "Level": {"type": "string", "enum": ["beginner", "advanced"]},
                "HTTPValidationError": {
                    "type": "object",
                    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
                },
            }
        },
    }


@pytest.fixture
def old() -> Spec:
    return course_api()


@pytest.fixture
def new() -> Spec:
    return course_api()


def schemas(spec: Spec) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def breaking_keys(old: Spec, new: Spec) -> set[str]:
    return {c.key for c in diff_specs(old, new) if c.breaking}


def compatible(old: Spec, new: Spec) -> list[Change]:
    found = diff_specs(old, new)
    assert not [c.key for c in found if c.breaking]
    return found


@pytest.fixture(name="ref")
def ref_fixture() -> Callable[[str], dict[str, str]]:
    """``ref(name)``: a $ref to the component schema ``name``."""
    return ref


@pytest.fixture(name="schemas")
def schemas_fixture() -> Callable[[Spec], dict[str, Any]]:
    """``schemas(spec)``: the spec's component schemas, to change in place."""
    return schemas


@pytest.fixture(name="breaking_keys")
def breaking_keys_fixture() -> Callable[[Spec, Spec], set[str]]:
    """``breaking_keys(old, new)``: the keys of the breaking changes from old to new."""
    return breaking_keys


@pytest.fixture(name="compatible")
def compatible_fixture() -> Callable[[Spec, Spec], list[Change]]:
    """``compatible(old, new)``: the changes from old to new, asserting none of them breaks."""
    return compatible
