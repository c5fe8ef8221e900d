"""What the report shows, computed from `.edu/results/` (history, summaries, JUnit files)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from edu.cli.flaky.history import RECORD, Flakiness, flaky_tests, flip_rate, read_records
from edu.cli.flaky.quarantine import Entry
from edu.cli.mutation import results as mutation_results
from edu.cli.results import CaseResult, read_junit_cases


@dataclass(frozen=True)
class Run:
    layer: str
    status: str
    started_at: str
    duration_seconds: float
    budget_seconds: float
    tests: int
    failed_tests: tuple[str, ...]
    cpu_seconds: float | None = None
    load_start: float | None = None
    load_end: float | None = None

    @property
    def fraction(self) -> float:
        return self.duration_seconds / self.budget_seconds


@dataclass(frozen=True)
class Quarantined:
    """A quarantined test as the report shows it: its entry and what the history says."""

    entry: Entry
    results: int
    flip_rate: float
    expired: bool


@dataclass(frozen=True)
class Health:
    latest: list[Run]
    trends: dict[str, list[Run]]
    slowest: list[tuple[str, CaseResult]]
    flaky: list[Flakiness]
    quarantined: list[Quarantined]
    # Each package's latest mutation run (edu mutation, .edu/results/mutation; ADR 0020) and its
    # floor from tests/mutation-floor.toml.
    mutation: list[mutation_results.PackageResult] = field(default_factory=list)
    mutation_floors: dict[str, float] = field(default_factory=dict)


def load_runs(history: Path) -> list[Run]:
    runs: list[Run] = []
    if not history.is_file():
        return runs
    for line in history.read_text().splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if data.get("record") == RECORD:
                continue  # one test's attempt (edu.cli.flaky.history), not a layer run
            runs.append(
                Run(
                    layer=data["layer"],
                    status=data["status"],
                    started_at=data["started_at"],
                    duration_seconds=float(data["duration_seconds"]),
                    budget_seconds=float(data["budget_seconds"]),
                    tests=int(data.get("counts", {}).get("total", 0)),
                    failed_tests=tuple(data.get("failed_tests", ())),
                    cpu_seconds=_number(data.get("cpu_seconds")),
                    load_start=_number(data.get("load_start")),
                    load_end=_number(data.get("load_end")),
                )
            )
        except (KeyError, ValueError, TypeError, json.JSONDecodeError):
            continue  # a torn or foreign line must not hide the rest of the history
    return runs


def _number(value: object) -> float | None:
    """A recorded gauge; None for history lines written before the runner recorded it."""
    return float(value) if isinstance(value, int | float) else None


def slowest_tests(results_dir: Path, limit: int = 15) -> list[tuple[str, CaseResult]]:
    cases: list[tuple[str, CaseResult]] = []
    for junit in sorted(results_dir.glob("*/junit.xml")):
        layer = junit.parent.name
        cases.extend((layer, case) for case in read_junit_cases(junit))
    cases.sort(key=lambda item: item[1].seconds, reverse=True)
    return cases[:limit]


def compute(
    results_dir: Path,
    trend_length: int = 20,
    quarantine: Sequence[Entry] = (),
    today: date | None = None,
    mutation_floors: dict[str, float] | None = None,
) -> Health:
    """``quarantine``: tests/quarantine.toml's entries, shown with their flip rates;
    ``mutation_floors``: tests/mutation-floor.toml's floors, beside each package's score."""
    runs = load_runs(results_dir / "history.jsonl")
    records = read_records(results_dir / "history.jsonl")
    trends: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        trends[run.layer].append(run)
    latest = [layer_runs[-1] for layer_runs in trends.values()]
    return Health(
        latest=latest,
        trends={layer: layer_runs[-trend_length:] for layer, layer_runs in trends.items()},
        slowest=slowest_tests(results_dir),
        flaky=flaky_tests(records),
        quarantined=[
            Quarantined(
                entry,
                *flip_rate(records, entry.test),
                expired=today is not None and entry.expired(today),
            )
            for entry in quarantine
        ],
        mutation=mutation_results.read_all(results_dir / "mutation"),
        mutation_floors=dict(mutation_floors or {}),
    )
