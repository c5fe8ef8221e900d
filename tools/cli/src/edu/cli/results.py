"""What a layer run leaves behind: a JSON summary, JUnit XML and a history line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path


class LayerStatus(StrEnum):
    """A layer run's verdict (a str: JSON summaries and history lines keep the plain words)."""

    PASSED = "passed"
    WARNING = "warning"  # passed, but used more of its budget than the headroom allows
    FAILED = "failed"
    OVER_BUDGET = "over-budget"
    NO_TESTS = "no-tests"

    @property
    def ok(self) -> bool:
        return self in (LayerStatus.PASSED, LayerStatus.WARNING)


@dataclass(frozen=True)
class CaseCounts:
    total: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0

    @property
    def passed(self) -> int:
        return self.total - self.failures - self.errors - self.skipped

    @classmethod
    def of(cls, cases: list[CaseResult]) -> CaseCounts:
        outcomes = [c.outcome for c in cases]
        return cls(
            len(outcomes),
            outcomes.count("failed"),
            outcomes.count("error"),
            outcomes.count("skipped"),
        )


@dataclass(frozen=True)
class LayerResult:
    layer: str
    status: LayerStatus
    exit_code: int
    duration_seconds: float
    budget_seconds: float
    goal_seconds: float | None
    started_at: str
    command: list[str]
    counts: CaseCounts = field(default_factory=CaseCounts)
    message: str = ""
    failed_tests: tuple[str, ...] = ()
    # User + system CPU seconds of the layer's process tree, and the one-minute load average
    # when it started and ended: slower code shows in the CPU time, a busy machine in the load.
    cpu_seconds: float | None = None
    load_start: float | None = None
    load_end: float | None = None
    # Tests that failed and then passed on a rerun (flaky: listed, never silently green), and
    # failed tests the quarantine forgave (tests/quarantine.toml; ADR 0017).
    flaky_tests: tuple[str, ...] = ()
    quarantined_failures: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return LayerStatus(self.status).ok

    @property
    def budget_fraction(self) -> float:
        return self.duration_seconds / self.budget_seconds

    def machine_note(self) -> str:
        return machine_note(self.cpu_seconds, self.load_start, self.load_end)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["budget_fraction"] = round(self.budget_fraction, 4)
        data["ok"] = self.ok
        return data


@dataclass(frozen=True)
class CaseResult:
    """One test case from a JUnit file."""

    test_id: str
    seconds: float
    outcome: str  # passed | failed | error | skipped


def read_junit_cases(path: Path) -> list[CaseResult]:
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - our own test output, not untrusted input
    except (OSError, ET.ParseError):
        return []
    cases = []
    for case in root.iter("testcase"):
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            if case.find(tag) is not None:
                outcome = "failed" if tag == "failure" else tag
                break
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}".strip(":")
        cases.append(CaseResult(test_id, float(case.get("time", 0) or 0), outcome))
    return cases


def write_command_junit(
    path: Path, layer: str, command: list[str], exit_code: int, seconds: float, output_tail: str
) -> CaseResult:
    """JUnit for a gate that is one command: one test case, failed when the command failed."""
    failed = exit_code != 0
    suite = ET.Element(
        "testsuite",
        name=layer,
        tests="1",
        failures=str(int(failed)),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
    )
    name = " ".join(command)
    case = ET.SubElement(
        suite, "testcase", classname=f"layer.{layer}", name=name, time=f"{seconds:.3f}"
    )
    if failed:
        failure = ET.SubElement(case, "failure", message=f"exit code {exit_code}")
        failure.text = output_tail
    ET.SubElement(case, "system-out").text = output_tail
    path.parent.mkdir(parents=True, exist_ok=True)
    suites = ET.Element("testsuites", name=layer)
    suites.append(suite)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return CaseResult(f"layer.{layer}::{name}", seconds, "failed" if failed else "passed")


def machine_note(cpu: float | None, load_start: float | None, load_end: float | None) -> str:
    """What the process tree used and how busy the machine was: "CPU 25.6 s, load 0.4 -> 1.9"."""
    if cpu is None:
        return ""
    load = (
        ""
        if load_start is None or load_end is None
        else f", load {load_start:.1f} -> {load_end:.1f}"
    )
    return f"CPU {cpu:.1f} s{load}"


def write_summary(results_dir: Path, result: LayerResult) -> Path:
    layer_dir = results_dir / result.layer
    layer_dir.mkdir(parents=True, exist_ok=True)
    summary = layer_dir / "summary.json"
    summary.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    with (results_dir / "history.jsonl").open("a") as history:
        history.write(json.dumps(result.to_json()) + "\n")
    return summary
