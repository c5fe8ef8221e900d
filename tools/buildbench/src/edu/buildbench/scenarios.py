"""The changes a developer makes between two runs, applied to the measurement tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MARKER = "buildbench-change"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    # The file a one-line change goes into (None: no change).
    file: str | None = None
    cold: bool = False

    def comment(self, token: str) -> str:
        if self.file is None:
            raise ValueError(f"scenario {self.name} changes no file")
        prefix = "//" if self.file.endswith((".rs", ".proto")) else "#"
        return f"{prefix} {MARKER} {token}\n"


SCENARIOS = (
    Scenario(
        "cold",
        "every task from nothing: tool cache, cargo target, mypy cache, built wheels and uv's "
        "cache of the workspace's own packages emptied",
        cold=True,
    ),
    Scenario("noop", "warm: run again with nothing changed"),
    Scenario(
        "leaf-py",
        "one-line change in a leaf service (services/py/course)",
        file="services/py/course/src/edu/course/bootstrap.py",
    ),
    Scenario(
        "shared-rs",
        "one-line change in the shared Rust library (libs/rs/common)",
        file="libs/rs/common/src/lib.rs",
    ),
    Scenario(
        "proto",
        "one-line change in a .proto (proto/edu/course/v1)",
        file="proto/edu/course/v1/course_service.proto",
    ),
)


def by_name(name: str) -> Scenario:
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(name)


def apply_change(tree: Path, scenario: Scenario, token: str) -> None:
    """Replace (or append) the scenario's marker line: the file differs from any earlier run."""
    if scenario.file is None:
        return
    path = tree / scenario.file
    lines = [line for line in path.read_text().splitlines(keepends=True) if MARKER not in line]
    path.write_text("".join(lines) + scenario.comment(token))


def revert_change(tree: Path, scenario: Scenario) -> None:
    if scenario.file is None:
        return
    path = tree / scenario.file
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if MARKER not in line))
