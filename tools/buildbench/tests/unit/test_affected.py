"""Reading each tool's affected answer and comparing it with edu's."""

import json

from edu.buildbench.affected import (
    Comparison,
    agreement_counts,
    parse_edu,
    parse_moon,
    parse_nx,
    parse_turbo,
    unowned_files,
)
from edu.buildbench.graph import Project


class TestParsers:
    def test_turbo_after_its_banner(self) -> None:
        output = "• turbo 2.11.13\n" + json.dumps(
            {"packages": {"count": 2, "items": [{"name": "edu-cli"}, {"name": "rs-edu-common"}]}}
        )

        assert parse_turbo(output) == ["edu-cli", "rust:edu-common"]

    def test_nx(self) -> None:
        assert parse_nx('["edu-fuzz","rs-api-gateway"]\n') == ["edu-fuzz", "rust:api-gateway"]

    def test_moon(self) -> None:
        output = json.dumps({"projects": [{"id": "edu-web"}, {"id": "rs-edu-jwt"}]})

        assert parse_moon(output) == ["edu-web", "rust:edu-jwt"]

    def test_edu_members(self) -> None:
        output = json.dumps({"members": {"rust:edu-common": {}, "edu-cli": {}}, "layers": []})

        assert parse_edu(output) == ["edu-cli", "rust:edu-common"]


def comparison(edu: list[str], turbo: list[str]) -> Comparison:
    return Comparison("abc", "subject", ["f"], edu, {"turbo": turbo, "nx": edu, "moon": []})


class TestComparison:
    def test_the_same_set_agrees_whatever_the_order(self) -> None:
        assert comparison(["a", "b"], ["b", "a"]).agrees("turbo")

    def test_names_what_each_side_selects_alone(self) -> None:
        found = comparison(["a", "b"], ["b", "c"])

        assert not found.agrees("turbo")
        assert found.selected_only_by_tool("turbo") == ["c"]
        assert found.selected_only_by_edu("turbo") == ["a"]
        assert found.to_json()["extra"] == {"turbo": ["c"], "nx": [], "moon": []}

    def test_counts_agreements_per_tool(self) -> None:
        found = [comparison(["a"], ["a"]), comparison(["a"], ["b"])]

        assert agreement_counts(found) == {"turbo": 1, "nx": 2, "moon": 0}


def test_files_outside_every_project_folder_are_unowned() -> None:
    projects = [Project("edu-cli", "tools/cli", "python", "edu-cli", (), True)]

    found = unowned_files(["tools/cli/x.py", "tools/cli2/y.py", "layers.toml"], projects)

    assert found == ["tools/cli2/y.py", "layers.toml"]
