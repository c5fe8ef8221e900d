"""The OpenAPI diff engine on types and enums: narrowed request types and enums, changed
response types and lost nullability break, widened ones do not; OpenAPI 3.0 nullable, 3.1 type
lists, const and allOf are read like what FastAPI writes.
"""

import copy
from collections.abc import Callable
from typing import Any

from edu.cli.openapi_gate.changes import Change
from edu.cli.openapi_gate.operations import diff_specs

Spec = dict[str, Any]
Schemas = Callable[[Spec], dict[str, Any]]
BreakingKeys = Callable[[Spec, Spec], set[str]]
Compatible = Callable[[Spec, Spec], list[Change]]


class TestNarrowing:
    def test_a_request_field_changing_type_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas
    ) -> None:
        schemas(new)["CourseIn"]["properties"]["title"] = {"type": "integer"}
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.key == "changed-type: POST /courses request body $.title"
        assert change.detail == "accepts fewer types (was string, now integer)"

    def test_a_response_field_changing_type_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
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

    def test_a_removed_request_enum_value_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas
    ) -> None:
        schemas(new)["Level"]["enum"] = ["beginner"]
        (change,) = [c for c in diff_specs(old, new) if c.breaking]
        assert change.key == "narrowed-enum: POST /courses request body $.level"
        assert change.detail == 'no longer accepts "advanced"'

    def test_a_removed_enum_value_of_a_query_parameter_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        schemas(new)["Status"]["enum"] = ["published"]
        assert "narrowed-enum: GET /courses query parameter status" in breaking_keys(old, new)

    def test_a_widened_enum_is_compatible(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        schemas(new)["Level"]["enum"] = ["beginner", "advanced", "expert"]
        schemas(new)["Status"]["enum"] = ["draft", "published", "archived"]
        assert {c.kind for c in compatible(old, new)} == {"widened-enum"}

    def test_a_request_field_widened_from_integer_to_number_is_compatible(
        self, old: Spec, new: Spec, schemas: Schemas, compatible: Compatible
    ) -> None:
        schemas(old)["CourseIn"]["properties"]["price"] = {"type": "integer"}
        schemas(new)["CourseIn"]["properties"]["price"] = {"type": "number"}
        assert {c.kind for c in compatible(old, new)} == {"widened-type"}


class TestOtherSchemaDialects:
    def test_reads_openapi_3_0_nullable(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        for spec, nullable in ((old, True), (new, False)):
            spec["paths"]["/courses/{course_id}"]["get"]["parameters"][1]["schema"] = {
                "type": "string",
                "nullable": nullable,
            }
        assert breaking_keys(old, new) == {
            "changed-type: GET /courses/{course_id} query parameter include"
        }

    def test_reads_openapi_3_1_type_lists(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        schemas(new)["Course"]["properties"]["title"] = {"type": ["string", "null"]}
        assert "changed-type: GET /courses/{course_id} response 200 $.title" in (
            breaking_keys(old, new)
        )

    def test_reads_literal_constants_as_one_value_enums(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        schemas(old)["CourseIn"]["properties"]["kind"] = {"type": "string", "enum": ["a", "b"]}
        schemas(new)["CourseIn"]["properties"]["kind"] = {"type": "string", "const": "a"}
        assert breaking_keys(old, new) == {"narrowed-enum: POST /courses request body $.kind"}

    def test_follows_all_of_wrappers(
        self, old: Spec, new: Spec, schemas: Schemas, ref: Callable[[str], dict[str, str]]
    ) -> None:
        schemas(new)["Course"]["properties"]["status"] = {"allOf": [ref("Status")]}
        assert diff_specs(old, new) == []

    def test_a_removed_union_member_in_a_request_is_breaking(
        self, old: Spec, new: Spec, schemas: Schemas, breaking_keys: BreakingKeys
    ) -> None:
        union = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
        schemas(old)["CourseIn"]["properties"]["code"] = union
        schemas(new)["CourseIn"]["properties"]["code"] = copy.deepcopy(union)
        schemas(new)["CourseIn"]["properties"]["code"]["anyOf"].pop()
        assert breaking_keys(old, new) == {"changed-type: POST /courses request body $.code"}
