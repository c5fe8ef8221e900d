"""The selection audit's parts without a worktree: planting, the replay's order, the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli.audit.faults import Fault, FaultError, check_plantable, load_faults
from edu.cli.audit.replay import Selection, caught, formatter_for, replay
from edu.cli.audit.verdict import Outcome, decide, render, summary, table

PR = ["lint", "typecheck", "unit", "integration", "contract"]


def fault(file: str = "a.py", find: str = "x < 3", replace: str = "x <= 3") -> Fault:
    return Fault(id="f1", area="services", file=file, find=find, replace=replace, why="off by one")


class Layers:
    """A fake ``LayerCheck``: the layers that fail, scoped and whole; records what ran."""

    def __init__(self, failing_scoped: set[str], failing_whole: set[str]) -> None:
        self.failing_scoped, self.failing_whole = failing_scoped, failing_whole
        self.calls: list[tuple[str, bool]] = []

    def __call__(self, layer: str, scoped: bool, file: str) -> bool:
        self.calls.append((layer, scoped))
        return layer not in (self.failing_scoped if scoped else self.failing_whole)


def test_a_fault_is_planted_only_where_its_text_occurs_exactly_once() -> None:
    assert fault().plant("if x < 3:\n") == "if x <= 3:\n"
    with pytest.raises(FaultError, match="does not occur"):
        fault().plant("if y < 3:\n")
    with pytest.raises(FaultError, match="occurs 2 times"):
        fault().plant("x < 3 or x < 3")


def test_faults_file_refuses_duplicates_and_missing_fields(tmp_path: Path) -> None:
    good = 'id = "a"\narea = "libs"\nfile = "f"\nfind = "1"\nreplace = "2"\nwhy = "w"\n'
    path = tmp_path / "faults.toml"
    path.write_text(f"[[fault]]\n{good}[[fault]]\n{good}")
    with pytest.raises(FaultError, match="appears twice"):
        load_faults(path)
    path.write_text('[[fault]]\nid = "a"\n')
    with pytest.raises(FaultError, match="lacks area"):
        load_faults(path)
    path.write_text(f"[[fault]]\n{good}")
    assert [f.id for f in load_faults(path)] == ["a"]


def test_check_plantable_names_the_fault_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("if x < 3:\n")
    assert check_plantable(tmp_path, [fault()]) == []
    problems = check_plantable(tmp_path, [fault(file="b.py"), fault(find="x > 3")])
    assert problems == ["f1: b.py does not exist", "f1: the text to change does not occur in a.py"]


def test_the_selection_runs_cheapest_first_and_stops_at_the_first_failure() -> None:
    layers = Layers(failing_scoped={"unit", "integration"}, failing_whole=set())
    result = replay(fault(), Selection(["integration", "unit", "lint"], False), PR, layers, True)
    assert result.outcome is Outcome.CAUGHT
    assert result.caught_by == "unit"
    assert layers.calls == [("lint", True), ("unit", True)]


def test_a_fault_only_the_whole_run_catches_is_a_miss() -> None:
    layers = Layers(failing_scoped=set(), failing_whole={"contract"})
    result = replay(fault(), Selection(["lint", "unit"], False), PR, layers, True)
    assert result.outcome is Outcome.MISSED
    assert result.full_caught_by == "contract"
    assert layers.calls[-1] == ("contract", False)


def test_a_scoped_run_that_skips_the_catching_test_is_a_miss_too() -> None:
    # unit was selected, but scoped to the wrong folders: whole, it fails.
    layers = Layers(failing_scoped=set(), failing_whole={"unit"})
    result = replay(fault(), Selection(["unit"], False), PR, layers, True)
    assert (result.outcome, result.full_caught_by) == (Outcome.MISSED, "unit")


def test_a_full_selection_runs_layers_whole_and_an_uncaught_fault_is_a_gap() -> None:
    layers = Layers(failing_scoped={"unit"}, failing_whole=set())
    result = replay(fault(), Selection(list(PR), True), PR, layers, True)
    assert result.outcome is Outcome.UNCAUGHT
    assert all(not scoped for _, scoped in layers.calls)


def test_a_full_selection_of_every_layer_is_not_run_a_second_time() -> None:
    layers = Layers(failing_scoped=set(), failing_whole=set())
    result = replay(fault(), Selection(list(PR), True), PR, layers, True)
    assert result.outcome is Outcome.UNCAUGHT
    assert sorted(layer for layer, _ in layers.calls) == sorted(PR)
    assert not any(step.endswith("(whole)") for step in result.ran)


def test_without_the_full_check_a_passing_selection_is_unverified() -> None:
    assert decide(None, None, full_checked=False) is Outcome.UNVERIFIED
    assert decide("unit", None, full_checked=False) is Outcome.CAUGHT


def test_the_table_counts_per_area_and_in_total() -> None:
    layers = Layers(failing_scoped={"unit"}, failing_whole={"contract"})
    caught = replay(fault(), Selection(["unit"], False), PR, layers, True)
    missed = replay(
        Fault("f2", "contracts", "p.json", "a", "b", "w"), Selection([], False), PR, layers, True
    )
    rows = table([caught, missed])
    assert rows[1][:6] == ["contracts", "1", "0", "1", "0", "0"]
    assert rows[2][:6] == ["services", "1", "1", "0", "0", "0"]
    assert rows[3][:6] == ["total", "2", "1", "1", "0", "0"]
    assert summary([caught, missed])["misses"][0]["fault"] == "f2"
    assert render(rows).splitlines()[1].startswith("----")


def test_a_layer_over_its_budget_or_without_tests_has_not_caught_the_fault() -> None:
    # Every test passed, the layer ran 33.6 s of 30 s on a loaded machine: not the fault.
    assert not caught(1, {"status": "over-budget"})
    assert not caught(5, {"status": "no-tests"})
    assert caught(1, {"status": "failed"})
    assert caught(1, None)  # no summary of this run: the command itself failed
    assert not caught(0, {"status": "warning"})


def test_the_worktree_builds_rust_into_its_own_target_folder(tmp_path: Path) -> None:
    # A faulty crate built into the shared folder would be taken for fresh by the main checkout.
    from edu.cli.audit.replay import audit_environment

    shared = str(tmp_path / "cargo-target")
    env = audit_environment({"CARGO_TARGET_DIR": shared, "VIRTUAL_ENV": "/x", "PATH": "/bin"})
    assert env["CARGO_TARGET_DIR"] != shared
    assert env["CARGO_TARGET_DIR"].endswith("selection-audit/cargo-target")
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == "/bin"
    # A second audit's worktree side by side must not run the first one's faulty binaries.
    other = audit_environment({"CARGO_TARGET_DIR": shared}, tmp_path / "tree-b")
    assert other["CARGO_TARGET_DIR"].endswith("selection-audit/cargo-target-tree-b")


def test_a_planted_fault_is_formatted_like_a_developer_would_save_it() -> None:
    tree = Path("/tree")
    assert formatter_for(tree, "services/py/a/x.py") == [
        "/tree/.venv/bin/ruff",
        "format",
        "--quiet",
        "services/py/a/x.py",
    ]
    assert formatter_for(tree, "libs/rs/jwt/src/tokens.rs") == [
        "rustfmt",
        "--quiet",
        "libs/rs/jwt/src/tokens.rs",
    ]
    assert formatter_for(tree, "contracts/pacts/web-course.json") is None


def test_a_miss_whose_layer_fails_without_the_fault_is_a_red_tree_not_a_miss() -> None:
    from edu.cli.audit.verdict import confirm_miss

    layers = Layers(failing_scoped=set(), failing_whole={"workflows"})
    missed = replay(fault(), Selection(["unit"], False), [*PR, "workflows"], layers, True)
    assert missed.outcome is Outcome.MISSED
    assert confirm_miss(missed, fails_without_fault=False).outcome is Outcome.MISSED
    assert confirm_miss(missed, fails_without_fault=True).outcome is Outcome.RED_TREE
    assert table([missed])[-1][6] == "1"
