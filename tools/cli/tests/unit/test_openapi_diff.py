"""The OpenAPI diff engine catches each kind of break and lets compatible changes through.

The fixture is a small course API written the way FastAPI (pydantic 2, OpenAPI 3.1) writes
specs: models behind $refs, Optional as anyOf with null, enums as components, 422s everywhere.
"""

import copy
from typing import Any

import pytest

from edu.cli.openapi_gate.changes import Change, render
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


class TestUnchangedSpec:
    def test_reports_nothing(self, old: Spec, new: Spec) -> None:
        assert diff_specs(old, new) == []

    def test_a_renamed_component_with_the_same_shape_is_no_change(
        self, old: Spec, new: Spec
    ) -> None:
        schemas(new)["LessonOut"] = schemas(new).pop("Lesson")
        schemas(new)["Course"]["properties"]["lessons"]["items"] = ref("LessonOut")
        assert diff_specs(old, new) == []

    def test_a_renamed_path_parameter_is_no_change(self, old: Spec, new: Spec) -> None:
        item = new["paths"].pop("/courses/{course_id}")
        item["get"]["parameters"][0]["name"] = "id"
        new["paths"]["/courses/{id}"] = item
        assert diff_specs(old, new) == []


class TestRemovedOperation:
    def test_is_breaking(self, old: Spec, new: Spec) -> None:
        del new["paths"]["/courses/{course_id}"]
        assert breaking_keys(old, new) == {"removed-operation: GET /courses/{course_id}"}

    def test_a_removed_method_on_a_kept_path_is_breaking(self, old: Spec, new: Spec) -> None:
        del new["paths"]["/courses"]["post"]
        assert breaking_keys(old, new) == {"removed-operation: POST /courses"}

    def test_an_added_operation_is_compatible(self, old: Spec, new: Spec) -> None:
        new["paths"]["/courses/{course_id}"]["delete"] = {"responses": {"204": {}}}
        assert [c.kind for c in compatible(old, new)] == ["added-operation"]


class TestResponseFields:
    def test_a_removed_field_is_breaking_in_every_operation_returning_it(
        self, old: Spec, new: Spec
    ) -> None:
        del schemas(new)["Lesson"]["properties"]["position"]
        schemas(new)["Lesson"]["required"].remove("position")
        assert breaking_keys(old, new) == {
            "removed-response-field: GET /courses response 200 $[].lessons[].position",
            "removed-response-field: POST /courses response 201 $.lessons[].position",
            "removed-response-field: GET /courses/{course_id} response 200 $.lessons[].position",
        }

    def test_a_field_that_may_now_be_absent_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["Course"]["required"].remove("title")
        assert "optional-response-field: GET /courses/{course_id} response 200 $.title" in (
            breaking_keys(old, new)
        )

    def test_a_field_that_may_now_be_null_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["Course"]["properties"]["title"] = {
            "anyOf": [{"type": "string"}, {"type": "null"}]
        }
        changes = [c for c in diff_specs(old, new) if c.breaking]
        assert {c.kind for c in changes} == {"changed-type"}
        assert all("may now be null" in c.detail for c in changes)

    def test_an_added_field_is_compatible(self, old: Spec, new: Spec) -> None:
        schemas(new)["Lesson"]["properties"]["minutes"] = {"type": "integer"}
        assert {c.kind for c in compatible(old, new)} == {"added-response-field"}

    def test_a_field_that_is_now_always_present_is_compatible(self, old: Spec, new: Spec) -> None:
        schemas(new)["Course"]["required"].append("subtitle")
        assert compatible(old, new) == []


class TestNewRequiredRequestInput:
    def test_a_new_required_body_field_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["CourseIn"]["properties"]["teacher_id"] = {"type": "string"}
        schemas(new)["CourseIn"]["required"].append("teacher_id")
        assert breaking_keys(old, new) == {
            "new-required-field: POST /courses request body $.teacher_id"
        }

    def test_a_field_that_became_required_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["CourseIn"]["required"].append("level")
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.detail == "field became required"

    def test_a_removed_body_field_is_compatible_because_unknown_fields_are_ignored(
        self, old: Spec, new: Spec
    ) -> None:
        del schemas(new)["CourseIn"]["properties"]["level"]
        assert {c.kind for c in compatible(old, new)} == {"removed-request-field"}

    def test_a_removed_body_field_breaks_when_unknown_fields_are_rejected(
        self, old: Spec, new: Spec
    ) -> None:
        del schemas(new)["CourseIn"]["properties"]["level"]
        schemas(new)["CourseIn"]["additionalProperties"] = False
        assert breaking_keys(old, new) == {
            "rejected-request-field: POST /courses request body $.level"
        }

    def test_a_new_optional_body_field_is_compatible(self, old: Spec, new: Spec) -> None:
        schemas(new)["CourseIn"]["properties"]["summary"] = {"type": "string"}
        assert {c.kind for c in compatible(old, new)} == {"added-optional-field"}

    def test_a_new_required_query_parameter_is_breaking(self, old: Spec, new: Spec) -> None:
        new["paths"]["/courses"]["get"]["parameters"].append(
            {"name": "teacher", "in": "query", "required": True, "schema": {"type": "string"}}
        )
        assert breaking_keys(old, new) == {
            "new-required-parameter: GET /courses query parameter teacher"
        }

    def test_a_parameter_that_became_required_is_breaking(self, old: Spec, new: Spec) -> None:
        new["paths"]["/courses/{course_id}"]["get"]["parameters"][1]["required"] = True
        assert breaking_keys(old, new) == {
            "new-required-parameter: GET /courses/{course_id} query parameter include"
        }

    def test_a_new_optional_parameter_is_compatible(self, old: Spec, new: Spec) -> None:
        new["paths"]["/courses"]["get"]["parameters"].append(
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"}}
        )
        assert {c.kind for c in compatible(old, new)} == {"added-optional-parameter"}

    def test_a_newly_required_request_body_is_breaking(self, old: Spec, new: Spec) -> None:
        old["paths"]["/courses"]["post"]["requestBody"]["required"] = False
        assert breaking_keys(old, new) == {"new-required-field: POST /courses request body"}


class TestNarrowing:
    def test_a_request_field_changing_type_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["CourseIn"]["properties"]["title"] = {"type": "integer"}
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.key == "changed-type: POST /courses request body $.title"
        assert change.detail == "accepts fewer types (was string, now integer)"

    def test_a_response_field_changing_type_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["Lesson"]["properties"]["position"] = {"type": "string"}
        assert "changed-type: GET /courses/{course_id} response 200 $.lessons[].position" in (
            breaking_keys(old, new)
        )

    def test_a_parameter_that_no_longer_accepts_null_is_breaking(
        self, old: Spec, new: Spec
    ) -> None:
        new["paths"]["/courses/{course_id}"]["get"]["parameters"][1]["schema"] = {"type": "string"}
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.key == "changed-type: GET /courses/{course_id} query parameter include"
        assert change.detail.startswith("no longer accepts null")

    def test_a_removed_request_enum_value_is_breaking(self, old: Spec, new: Spec) -> None:
        schemas(new)["Level"]["enum"] = ["beginner"]
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.key == "narrowed-enum: POST /courses request body $.level"
        assert change.detail == 'no longer accepts "advanced"'

    def test_a_removed_enum_value_of_a_query_parameter_is_breaking(
        self, old: Spec, new: Spec
    ) -> None:
        schemas(new)["Status"]["enum"] = ["published"]
        assert "narrowed-enum: GET /courses query parameter status" in breaking_keys(old, new)

    def test_a_widened_enum_is_compatible(self, old: Spec, new: Spec) -> None:
        schemas(new)["Level"]["enum"] = ["beginner", "advanced", "expert"]
        schemas(new)["Status"]["enum"] = ["draft", "published", "archived"]
        assert {c.kind for c in compatible(old, new)} == {"widened-enum"}

    def test_a_request_field_widened_from_integer_to_number_is_compatible(
        self, old: Spec, new: Spec
    ) -> None:
        schemas(old)["CourseIn"]["properties"]["price"] = {"type": "integer"}
        schemas(new)["CourseIn"]["properties"]["price"] = {"type": "number"}
        assert {c.kind for c in compatible(old, new)} == {"widened-type"}


class TestStatusCodes:
    def test_a_removed_status_code_is_breaking(self, old: Spec, new: Spec) -> None:
        del new["paths"]["/courses/{course_id}"]["get"]["responses"]["404"]
        assert breaking_keys(old, new) == {
            "removed-status-code: GET /courses/{course_id} response 404"
        }

    def test_an_added_status_code_is_compatible(self, old: Spec, new: Spec) -> None:
        new["paths"]["/courses"]["post"]["responses"]["409"] = {"description": "Conflict"}
        assert {c.kind for c in compatible(old, new)} == {"added-status-code"}

    def test_a_removed_response_media_type_is_breaking(self, old: Spec, new: Spec) -> None:
        body = new["paths"]["/courses/{course_id}"]["get"]["responses"]["200"]
        body["content"] = {"application/xml": body["content"].pop("application/json")}
        assert "removed-media-type: GET /courses/{course_id} response 200" in (
            breaking_keys(old, new)
        )


class TestOtherSchemaDialects:
    def test_reads_openapi_3_0_nullable(self, old: Spec, new: Spec) -> None:
        for spec, nullable in ((old, True), (new, False)):
            spec["paths"]["/courses/{course_id}"]["get"]["parameters"][1]["schema"] = {
                "type": "string",
                "nullable": nullable,
            }
        assert breaking_keys(old, new) == {
            "changed-type: GET /courses/{course_id} query parameter include"
        }

    def test_reads_openapi_3_1_type_lists(self, old: Spec, new: Spec) -> None:
        schemas(new)["Course"]["properties"]["title"] = {"type": ["string", "null"]}
        assert "changed-type: GET /courses/{course_id} response 200 $.title" in (
            breaking_keys(old, new)
        )

    def test_reads_literal_constants_as_one_value_enums(self, old: Spec, new: Spec) -> None:
        schemas(old)["CourseIn"]["properties"]["kind"] = {"type": "string", "enum": ["a", "b"]}
        schemas(new)["CourseIn"]["properties"]["kind"] = {"type": "string", "const": "a"}
        assert breaking_keys(old, new) == {"narrowed-enum: POST /courses request body $.kind"}

    def test_follows_all_of_wrappers(self, old: Spec, new: Spec) -> None:
        schemas(new)["Course"]["properties"]["status"] = {"allOf": [ref("Status")]}
        assert diff_specs(old, new) == []

    def test_a_removed_union_member_in_a_request_is_breaking(self, old: Spec, new: Spec) -> None:
        union = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
        schemas(old)["CourseIn"]["properties"]["code"] = union
        schemas(new)["CourseIn"]["properties"]["code"] = copy.deepcopy(union)
        schemas(new)["CourseIn"]["properties"]["code"]["anyOf"].pop()
        assert breaking_keys(old, new) == {"changed-type: POST /courses request body $.code"}


class TestReport:
    def test_lists_breaking_changes_first_with_the_key_that_acknowledges_each(
        self, old: Spec, new: Spec
    ) -> None:
        del new["paths"]["/courses/{course_id}"]["get"]["responses"]["404"]
        new["paths"]["/courses"]["post"]["responses"]["409"] = {"description": "Conflict"}
        assert render(diff_specs(old, new)).splitlines() == [
            "1 breaking change(s):",
            "  - GET /courses/{course_id} response 404: status 404 no longer returned",
            "    key: removed-status-code: GET /courses/{course_id} response 404",
            "1 compatible change(s):",
            "  - POST /courses response 409: status 409 added",
        ]
