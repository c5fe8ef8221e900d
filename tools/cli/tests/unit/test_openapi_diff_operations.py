"""The OpenAPI diff engine on operations and status codes: an unchanged spec (renames
included) reports nothing, removed operations, status codes and media types break, added ones
do not; the report lists breaking changes first with the key that acknowledges each.
"""

from collections.abc import Callable
from typing import Any

from edu.cli.openapi_gate.changes import Change, render
from edu.cli.openapi_gate.operations import diff_specs

Spec = dict[str, Any]
Schemas = Callable[[Spec], dict[str, Any]]
BreakingKeys = Callable[[Spec, Spec], set[str]]
Compatible = Callable[[Spec, Spec], list[Change]]


class TestUnchangedSpec:
    def test_reports_nothing(self, old: Spec, new: Spec) -> None:
        assert diff_specs(old, new) == []

    def test_a_renamed_component_with_the_same_shape_is_no_change(
        self, old: Spec, new: Spec, schemas: Schemas, ref: Callable[[str], dict[str, str]]
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
    def test_is_breaking(self, old: Spec, new: Spec, breaking_keys: BreakingKeys) -> None:
        del new["paths"]["/courses/{course_id}"]
        assert breaking_keys(old, new) == {"removed-operation: GET /courses/{course_id}"}

    def test_a_removed_method_on_a_kept_path_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        del new["paths"]["/courses"]["post"]
        assert breaking_keys(old, new) == {"removed-operation: POST /courses"}

    def test_an_added_operation_is_compatible(
        self, old: Spec, new: Spec, compatible: Compatible
    ) -> None:
        new["paths"]["/courses/{course_id}"]["delete"] = {"responses": {"204": {}}}
        assert [c.kind for c in compatible(old, new)] == ["added-operation"]


class TestStatusCodes:
    def test_a_removed_status_code_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        del new["paths"]["/courses/{course_id}"]["get"]["responses"]["404"]
        assert breaking_keys(old, new) == {
            "removed-status-code: GET /courses/{course_id} response 404"
        }

    def test_an_added_status_code_is_compatible(
        self, old: Spec, new: Spec, compatible: Compatible
    ) -> None:
        new["paths"]["/courses"]["post"]["responses"]["409"] = {"description": "Conflict"}
        assert {c.kind for c in compatible(old, new)} == {"added-status-code"}

    def test_a_removed_response_media_type_is_breaking(
        self, old: Spec, new: Spec, breaking_keys: BreakingKeys
    ) -> None:
        body = new["paths"]["/courses/{course_id}"]["get"]["responses"]["200"]
        body["content"] = {"application/xml": body["content"].pop("application/json")}
        assert "removed-media-type: GET /courses/{course_id} response 200" in (
            breaking_keys(old, new)
        )


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
