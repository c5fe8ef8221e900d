from pathlib import Path

import pytest

from edu.cli.registry import RegistryError, load_registry

VALID = """
[layers.unit]
description = "fast tests"
kind = "pytest"
paths = ["libs/*/tests/unit"]
budget_seconds = 30
goal_seconds = 10
triggers = ["pr", "nightly"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "layers.toml"
    path.write_text(text)
    return path


def test_reads_a_layer_with_its_budget_and_triggers(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, VALID))
    unit = registry.get("unit")
    assert unit.budget_seconds == 30
    assert unit.triggers == ("pr", "nightly")
    assert [layer.name for layer in registry.for_trigger("nightly")] == ["unit"]
    assert registry.for_trigger("weekly") == []


def test_a_suite_may_name_the_lanes_it_runs_beside(tmp_path: Path) -> None:
    text = VALID.replace("goal_seconds = 10", 'goal_seconds = 10\nbeside = ["chaos"]')
    assert load_registry(write(tmp_path, text)).get("unit").beside == ("chaos",)


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("budget_seconds = 30", "budget_seconds = 0"), "budget_seconds must be a positive"),
        (("budget_seconds = 30", 'budget_seconds = "fast"'), "budget_seconds must be a positive"),
        (('"pr", "nightly"', '"pr", "hourly"'), "triggers must be"),
        (("goal_seconds = 10", "goal_seconds = 60"), "goal_seconds must be positive and within"),
        (('kind = "pytest"', 'kind = "magic"'), "kind must be one of"),
        (('paths = ["libs/*/tests/unit"]', "flaky = true"), "unknown field"),
        (("goal_seconds = 10", 'goal_seconds = 10\nbeside = "chaos"'), "beside must be a list"),
        (("goal_seconds = 10", 'goal_seconds = 10\nbeside = ["main"]'), "beside names other"),
        (
            ("goal_seconds = 10", 'goal_seconds = 10\nbeside = ["chaos"]\nconcurrent = true'),
            "beside is for main-lane suites that are not concurrent",
        ),
    ],
)
def test_rejects_a_malformed_layer_saying_what_is_wrong(
    tmp_path: Path, change: tuple[str, str], complaint: str
) -> None:
    with pytest.raises(RegistryError, match=complaint):
        load_registry(write(tmp_path, VALID.replace(*change)))


def test_unknown_layer_names_list_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="known layers: unit"):
        load_registry(write(tmp_path, VALID)).get("e2e")


def test_unknown_trigger_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="unknown trigger"):
        load_registry(write(tmp_path, VALID)).for_trigger("hourly")


class TestFullRun:
    def test_holds_pr_and_nightly_layers_but_not_weekly_ones(self, tmp_path: Path) -> None:
        text = VALID + VALID.replace("layers.unit", "layers.soak").replace(
            '["pr", "nightly"]', '["weekly"]'
        )
        registry = load_registry(write(tmp_path, text))
        assert [layer.name for layer in registry.full_run()] == ["unit"]

    def test_a_layer_can_opt_out_of_the_full_run(self, tmp_path: Path) -> None:
        registry = load_registry(write(tmp_path, VALID + "full_run = false\n"))
        assert registry.full_run() == []

    def test_full_run_must_be_a_boolean(self, tmp_path: Path) -> None:
        with pytest.raises(RegistryError, match="full_run must be true or false"):
            load_registry(write(tmp_path, VALID + 'full_run = "yes"\n'))


class TestDrives:
    def test_names_the_deployables_a_network_suite_drives(self, tmp_path: Path) -> None:
        registry = load_registry(write(tmp_path, VALID + 'drives = ["course", "identity"]\n'))
        assert registry.layers[0].drives == ("course", "identity")

    def test_defaults_to_any_deployable(self, tmp_path: Path) -> None:
        assert load_registry(write(tmp_path, VALID)).layers[0].drives == ()

    def test_as_a_table_gives_each_deployable_its_tests(self, tmp_path: Path) -> None:
        text = VALID + 'drives = { course = "course or journey", identity = "identity" }\n'
        [layer] = load_registry(write(tmp_path, text)).layers
        assert layer.drives == ("course", "identity")
        assert dict(layer.drive_keywords) == {"course": "course or journey", "identity": "identity"}

    def test_must_be_a_list_of_names(self, tmp_path: Path) -> None:
        with pytest.raises(RegistryError, match="drives must be a list"):
            load_registry(write(tmp_path, VALID + 'drives = "course"\n'))
