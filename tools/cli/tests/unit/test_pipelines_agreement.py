"""Workflows are read down to their `edu` commands and checked against the layer registry."""

from typing import Any

import yaml

from edu.cli.pipelines.agreement import check
from edu.cli.pipelines.justfile_recipes import parse_justfile
from edu.cli.pipelines.workflow_commands import Command, workflow_commands
from edu.cli.registry import Layer, Registry

JUSTFILE = parse_justfile(
    """
run := "uv run --all-packages --locked --quiet"

# doc
test *ARGS:
    {{run}} edu test --trigger pr {{ARGS}}

# doc
layer NAME *ARGS:
    {{run}} edu test {{NAME}} -- {{ARGS}}

# doc
test-pipeline TRIGGER *ARGS:
    @{{run}} edu affected --run --all --trigger {{TRIGGER}} {{ARGS}}
"""
)


def layer(name: str, *triggers: str, kind: str = "pytest") -> Layer:
    return Layer(name, "", kind, ("x",), ("edu", "gate", name), 30.0, None, triggers, ())


REGISTRY = Registry(
    (
        layer("lint", "pr", "nightly", kind="command"),
        layer("unit", "pr", "nightly"),
        layer("e2e", "nightly"),
    )
)


def commands(workflow_yaml: str, name: str = "ci.yml") -> list[Command]:
    data: Any = yaml.safe_load(workflow_yaml)
    return workflow_commands(name, data, JUSTFILE)


def job(run: str, extra: str = "") -> str:
    return f"""
jobs:
  main:
    runs-on: ubuntu-24.04
{extra}
    steps:
      - uses: actions/checkout@v4
      - run: {run}
"""


PR = job("just test")
NIGHTLY = job("just test-pipeline nightly")


class TestReadingWorkflows:
    def test_a_just_recipe_expands_to_its_edu_command_without_the_uv_wrapper(self) -> None:
        [command] = commands(job("just layer unit -k clock"))
        assert command.argv == ("edu", "test", "unit", "--", "-k", "clock")

    def test_matrix_values_reach_the_command_through_env(self) -> None:
        workflow = job(
            'just layer "$LAYER"',
            "    strategy:\n      matrix:\n        layer: [lint, unit]\n"
            "    env:\n      LAYER: ${{ matrix.layer }}",
        )
        assert [c.argv[2] for c in commands(workflow)] == ["lint", "unit"]

    def test_chained_commands_and_redirections_are_split_apart(self) -> None:
        found = commands(job("uv run edu affected --json > out.json 2>&1 && echo done"))
        assert [c.argv for c in found] == [("edu", "affected", "--json"), ("echo", "done")]


class TestAgreement:
    def test_workflows_serving_every_trigger_agree(self) -> None:
        assert check(REGISTRY, [*commands(PR, "pr.yml"), *commands(NIGHTLY, "nightly.yml")]) == []

    def test_a_workflow_running_an_unknown_layer_is_caught(self) -> None:
        problems = check(
            REGISTRY,
            [*commands(PR), *commands(NIGHTLY), *commands(job("just layer smoke"), "x.yml")],
        )
        assert any("no layer named 'smoke'" in p for p in problems)

    def test_an_affected_run_naming_an_unknown_layer_is_caught(self) -> None:
        bad = job("uv run edu affected --run --layer smoke")
        problems = check(REGISTRY, [*commands(PR), *commands(NIGHTLY), *commands(bad)])
        assert any("smoke" in p for p in problems)

    def test_a_trigger_no_workflow_serves_is_caught(self) -> None:
        problems = check(REGISTRY, commands(PR, "pr.yml"))
        assert problems == ["no workflow runs the 'nightly' trigger (layers lint, unit, e2e)"]

    def test_a_layer_filtered_out_of_every_workflow_is_caught(self) -> None:
        narrow = job("just test-pipeline nightly --kind command")
        problems = check(REGISTRY, [*commands(PR), *commands(narrow, "nightly.yml")])
        assert problems == [
            "layer 'unit' has the 'nightly' trigger but no workflow serving it runs it",
            "layer 'e2e' has the 'nightly' trigger but no workflow serving it runs it",
        ]

    def test_calling_pytest_directly_is_caught(self) -> None:
        sneaky = job("uv run pytest services/py/identity/tests/unit")
        problems = check(REGISTRY, [*commands(PR), *commands(NIGHTLY), *commands(sneaky)])
        assert any("calls pytest directly" in p for p in problems)

    def test_a_layer_with_no_trigger_or_budget_is_caught(self) -> None:
        broken = Layer("odd", "", "pytest", ("x",), (), 0.0, None, (), ())
        problems = check(Registry((broken,)), [])
        assert problems == ["layer 'odd' needs at least one trigger and a positive budget"]
