"""The OpenAPI diff engine on fields and parameters: what a response may no longer carry
breaks its clients, what a request newly requires breaks its callers; additions each side can
ignore are compatible.
"""

from collections.abc import Callable
from typing import Any

from edu.cli.openapi_gate.changes import Change
from edu.cli.openapi_gate.operations import diff_specs

Spec = dict[str, Any]
Schemas = Callable[[Spec], dict[str, Any]]
BreakingKeys = Callable[[Spec, Spec], set[str]]
Compatible = Callable[[Spec, Spec], list[Change]]


class TestResponseFields:
    def test_a_removed_field_is_breaking_in_every_operation_returning_it(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        del schemas(new)["Lesson"]["properties"]["position"]
        schemas(new)["Lesson"]["required"].remove("position")
        assert breaking_keys(old, new) == {
            "removed-response-field: GET /courses response 200 $[].lessons[].position",
            "removed-response-field: POST /courses response 201 $.lessons[].position",
            "removed-response-field: GET /courses/{course_id} response 200 $.lessons[].position",
        }

    def test_a_field_that_may_now_be_absent_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        schemas(new)["Course"]["required"].remove("title")
        assert "optional-response-field: GET /courses/{course_id} response 200 $.title" in (
            breaking_keys(old, new)
        )

    def test_a_field_that_may_now_be_null_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas
    ) -> None:
        schemas(new)["Course"]["properties"]["title"] = {
            "anyOf": [{"type": "string"}, {"type": "null"}]
        }
        changes = [c for c in diff_specs(old, new) if c.breaking]
        assert {c.kind for c in changes} == {"changed-type"}
        assert all("may now be null" in c.detail for c in changes)

    def test_an_added_field_is_compatible(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        schemas(new)["Lesson"]["properties"]["minutes"] = {"type": "integer"}
        assert {c.kind for c in compatible(old, new)} == {"added-response-field"}

    def test_a_field_that_is_now_always_present_is_compatible(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        schemas(new)["Course"]["required"].append("subtitle")
        assert compatible(old, new) == []


class TestNewRequiredRequestInput:
    def test_a_new_required_body_field_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        schemas(new)["CourseIn"]["properties"]["teacher_id"] = {"type": "string"}
        schemas(new)["CourseIn"]["required"].append("teacher_id")
        assert breaking_keys(old, new) == {
            "new-required-field: POST /courses request body $.teacher_id"
        }

    def test_a_field_that_became_required_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas
    ) -> None:
        schemas(new)["CourseIn"]["required"].append("level")
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.detail == "field became required"

    def test_a_removed_body_field_is_compatible_because_unknown_fields_are_ignored(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        del schemas(new)["CourseIn"]["properties"]["level"]
        assert {c.kind for c in compatible(old, new)} == {"removed-request-field"}

    def test_a_removed_body_field_breaks_when_unknown_fields_are_rejected(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        del schemas(new)["CourseIn"]["properties"]["level"]
        schemas(new)["CourseIn"]["additionalProperties"] = False
        assert breaking_keys(old, new) == {
            "rejected-request-field: POST /courses request body $.level"
        }

    def test_a_new_optional_body_field_is_compatible(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        schemas(new)["CourseIn"]["properties"]["summary"] = {"type": "string"}
        assert {c.kind for c in compatible(old, new)} == {"added-optional-field"}

    def test_a_new_required_query_parameter_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        new["paths"]["/courses"]["get"]["parameters"].append(
            {"name": "teacher", "in": "query", "required": True, "schema": {"type": "string"}}
        )
        assert breaking_keys(old, new) == {
            "new-required-parameter: GET /courses query parameter teacher"
        }

    def test_a_parameter_that_became_required_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        new["paths"]["/courses/{course_id}"]["get"]["parameters"][1]["required"] = True
        assert breaking_keys(old, new) == {
            "new-required-parameter: GET /courses/{course_id} query parameter include"
        }

    def test_a_new_optional_parameter_is_compatible(
        self, old: Spec, new: Spec, compatible: Compatible
    ) -> None:
        new["paths"]["/courses"]["get"]["parameters"].append(
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer"}}
        )
        assert {c.kind for c in compatible(old, new)} == {"added-optional-parameter"}

    def test_a_newly_required_request_body_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        old["paths"]["/courses"]["post"]["requestBody"]["required"] = False
        assert breaking_keys(old, new) == {"new-required-field: POST /courses request body"}
