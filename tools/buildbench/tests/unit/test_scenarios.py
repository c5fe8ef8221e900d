"""The one-line changes: each run's differs from every earlier one, and reverts cleanly."""

from pathlib import Path

from edu.buildbench.scenarios import Scenario, apply_change, revert_change
from edu.buildbench.schedule import plan_rounds, rotate

RUST = Scenario("shared-rs", "a change", file="lib.rs")
PYTHON = Scenario("leaf-py", "a change", file="app.py")


class TestChanges:
    def test_a_new_change_replaces_the_previous_one(self, tmp_path: Path) -> None:
        (tmp_path / "lib.rs").write_text("pub fn a() {}\n")

        apply_change(tmp_path, RUST, "one")
        apply_change(tmp_path, RUST, "two")

        assert (tmp_path / "lib.rs").read_text() == "pub fn a() {}\n// buildbench-change two\n"

    def test_python_gets_a_comment_too(self, tmp_path: Path) -> None:
        (tmp_path / "app.py").write_text("x = 1\n")

        apply_change(tmp_path, PYTHON, "t")

        assert (tmp_path / "app.py").read_text().endswith("# buildbench-change t\n")

    def test_revert_restores_the_file(self, tmp_path: Path) -> None:
        (tmp_path / "app.py").write_text("x = 1\n")
        apply_change(tmp_path, PYTHON, "t")

        revert_change(tmp_path, PYTHON)

        assert (tmp_path / "app.py").read_text() == "x = 1\n"


class TestSchedule:
    def test_cold_once_then_cheap_rounds_then_expensive_rounds(self) -> None:
        plan = plan_rounds(["cold", "noop", "leaf-py", "proto", "shared-rs"], runs=2)

        assert [(s.name, run) for s, run in plan] == [
            ("cold", 1),
            ("noop", 1),
            ("leaf-py", 1),
            ("noop", 2),
            ("leaf-py", 2),
            ("shared-rs", 1),
            ("proto", 1),
            ("shared-rs", 2),
            ("proto", 2),
        ]

    def test_rotation_starts_one_tool_later_each_round(self) -> None:
        tools = ["a", "b", "c", "d"]

        assert rotate(tools, 0) == ["a", "b", "c", "d"]
        assert rotate(tools, 1) == ["b", "c", "d", "a"]
        assert rotate(tools, 5) == ["b", "c", "d", "a"]
