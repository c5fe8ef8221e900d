"""`edu openapi check`: stale specs fail, unacknowledged breaks against main fail, a recorded
break with a version bump passes (exporter and base branch are hand-written fakes)."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from edu.cli.gates import GateOutcome
from edu.cli.openapi_gate import gate
from edu.cli.openapi_gate.export import ExportError, HttpService, render

COURSE = HttpService("course", "edu.course.entrypoints.asgi:create_app")
REMOVED_TITLE = "removed-response-field: GET /courses/{course_id} response 200 $.title"


def course_spec(version: str = "1.0.0", with_title: bool = True) -> dict[str, Any]:
    properties = {"id": {"type": "string"}, "title": {"type": "string"}}
    if not with_title:
        del properties["title"]
    return {
        "openapi": "3.1.0",
        "info": {"title": "course", "version": version},
        "paths": {
            "/courses/{course_id}": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "properties": properties}
                                },
                            }
                        }
                    }
                }
            }
        },
    }


class FakeExporter:
    """Serves fixed specs (or errors) by service name and remembers what it exported."""

    def __init__(self, specs: dict[str, dict[str, Any] | ExportError]) -> None:
        self.specs = specs
        self.exported: list[str] = []

    def export(self, service: HttpService) -> dict[str, Any]:
        self.exported.append(service.name)
        spec = self.specs[service.name]
        if isinstance(spec, ExportError):
            raise spec
        return copy.deepcopy(spec)


class FakeBaseline:
    label = "main (abc1234)"

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files = files or {}
        self.read: list[str] = []

    def read_text(self, path: str) -> str | None:
        self.read.append(path)
        return self.files.get(path)


def on_main(spec: dict[str, Any]) -> FakeBaseline:
    return FakeBaseline({"contracts/openapi/course.json": render(spec)})


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "contracts" / "openapi").mkdir(parents=True)
    return tmp_path


def commit_spec(root: Path, spec: dict[str, Any]) -> None:
    (root / "contracts/openapi/course.json").write_text(render(spec))


def acknowledge(root: Path, text: str) -> None:
    (root / "contracts/openapi/course.breaking.toml").write_text(text)


def by_name(outcomes: list[GateOutcome]) -> dict[str, GateOutcome]:
    return {o.name.split(": ", 1)[-1]: o for o in outcomes}


class TestFreshness:
    def test_passes_when_the_committed_spec_matches_the_app(self, root: Path) -> None:
        commit_spec(root, course_spec())
        outcomes = gate.check(
            root, [COURSE], FakeExporter({"course": course_spec()}), on_main(course_spec())
        )
        assert all(o.ok for o in outcomes), outcomes

    def test_fails_when_the_app_changed_but_the_spec_was_not_exported(self, root: Path) -> None:
        commit_spec(root, course_spec())
        exporter = FakeExporter({"course": course_spec(version="1.1.0")})
        outcome = by_name(gate.check(root, [COURSE], exporter, on_main(course_spec())))[
            "contracts/openapi/course.json is fresh"
        ]
        assert not outcome.ok
        assert "run `just openapi`" in outcome.output

    def test_fails_when_a_service_was_never_exported(self, root: Path) -> None:
        outcomes = gate.check(
            root, [COURSE], FakeExporter({"course": course_spec()}), FakeBaseline()
        )
        assert [o.ok for o in outcomes] == [False, True]

    def test_fails_on_a_spec_no_service_exports(self, root: Path) -> None:
        (root / "contracts/openapi/legacy.json").write_text("{}\n")
        outcomes = gate.check(root, [], FakeExporter({}), FakeBaseline())
        assert [(o.name, o.ok) for o in outcomes] == [
            ("openapi", True),
            ("openapi legacy.json", False),
        ]

    def test_a_service_whose_app_does_not_build_fails_alone(self, root: Path) -> None:
        identity = HttpService("identity", "edu.identity.entrypoints.asgi:create_app")
        commit_spec(root, course_spec())
        exporter = FakeExporter({"course": course_spec(), "identity": ExportError("boom")})
        outcomes = gate.check(root, [COURSE, identity], exporter, on_main(course_spec()))
        assert [(o.name, o.ok) for o in outcomes if not o.ok] == [
            ("openapi identity: export", False)
        ]


class TestBreakingAgainstMain:
    def test_a_removed_response_field_fails_with_a_readable_report(self, root: Path) -> None:
        new = course_spec(with_title=False)
        commit_spec(root, new)
        outcome = gate.compatibility(root, COURSE, new, on_main(course_spec()))
        assert not outcome.ok
        assert "GET /courses/{course_id} response 200 $.title: field removed" in outcome.output
        assert f"key: {REMOVED_TITLE}" in outcome.output
        assert "course.breaking.toml" in outcome.output

    def test_compatible_changes_pass(self, root: Path) -> None:
        old = course_spec(with_title=False)
        outcome = gate.compatibility(root, COURSE, course_spec(), on_main(old))
        assert outcome.ok
        assert "field added" in outcome.output

    def test_a_service_new_on_this_branch_has_nothing_to_break(self, root: Path) -> None:
        base = FakeBaseline()
        outcome = gate.compatibility(root, COURSE, course_spec(), base)
        assert outcome.ok
        assert base.read == ["contracts/openapi/course.json"]


class TestAcknowledgedBreak:
    def test_passes_when_listed_with_the_bumped_version(self, root: Path) -> None:
        acknowledge(
            root, f'version = "2.0.0"\nreason = "titles moved"\nchanges = ["{REMOVED_TITLE}"]\n'
        )
        new = course_spec(version="2.0.0", with_title=False)
        outcome = gate.compatibility(root, COURSE, new, on_main(course_spec()))
        assert outcome.ok, outcome.output
        assert f"acknowledged in course.breaking.toml: {REMOVED_TITLE}" in outcome.output

    def test_fails_when_the_version_was_not_bumped(self, root: Path) -> None:
        acknowledge(
            root, f'version = "1.0.0"\nreason = "titles moved"\nchanges = ["{REMOVED_TITLE}"]\n'
        )
        new = course_spec(version="1.0.0", with_title=False)
        outcome = gate.compatibility(root, COURSE, new, on_main(course_spec()))
        assert not outcome.ok
        assert "is not higher than main's 1.0.0" in outcome.output

    def test_fails_when_the_file_names_another_version(self, root: Path) -> None:
        acknowledge(
            root, f'version = "3.0.0"\nreason = "titles moved"\nchanges = ["{REMOVED_TITLE}"]\n'
        )
        new = course_spec(version="2.0.0", with_title=False)
        outcome = gate.compatibility(root, COURSE, new, on_main(course_spec()))
        assert not outcome.ok
        assert "acknowledgement is for version 3.0.0" in outcome.output

    def test_fails_for_a_break_the_file_does_not_list(self, root: Path) -> None:
        acknowledge(
            root, 'version = "2.0.0"\nreason = "other"\nchanges = ["removed-operation: GET /x"]\n'
        )
        new = course_spec(version="2.0.0", with_title=False)
        outcome = gate.compatibility(root, COURSE, new, on_main(course_spec()))
        assert not outcome.ok
        assert (
            "acknowledged but not found (stale entry): removed-operation: GET /x" in outcome.output
        )

    def test_fails_with_a_plain_message_on_a_malformed_file(self, root: Path) -> None:
        acknowledge(root, 'version = "2.0.0"\nchanges = []\n')
        outcome = gate.compatibility(root, COURSE, course_spec(), on_main(course_spec()))
        assert not outcome.ok
        assert outcome.output == "course.breaking.toml: needs a reason for the break"


def test_committed_specs_are_stable_pretty_json() -> None:
    text = render(course_spec())
    assert text.endswith("}\n")
    assert json.loads(text) == course_spec()
