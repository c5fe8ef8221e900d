"""The flake hunt: the PR set's fast layers run N times in random order, ``-n`` varied.

A test whose result changes between the runs on the same code is flaky. Each run shuffles
the tests with its own pytest-randomly seed (``-p randomly``: never loaded in a normal run,
which stays in file order) and alternates xdist's worker count (``-n 0``, ``-n 2``), so order
dependence, shared state and timing both show. Every attempt is appended to the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from edu.cli.flaky.history import FAILING, PASSING, Flakiness, TestRecord, flaky_tests

DEFAULT_RUNS = 5
DEFAULT_WORKERS = (0, 2)
DEFAULT_LAYERS = ("unit",)


@dataclass(frozen=True)
class HuntRun:
    """One run of one layer in the hunt: how it was run and what it took."""

    number: int
    layer: str
    run_id: str
    workers: int
    seed: int
    seconds: float
    tests: int
    failed: int


def run_arguments(seed: int, workers: int) -> list[str]:
    """pytest arguments for one hunt run: random order with this seed, this many workers."""
    return ["-p", "randomly", f"--randomly-seed={seed}", "-n", str(workers)]


def plan(runs: int, seed: int, workers: Sequence[int] = DEFAULT_WORKERS) -> list[tuple[int, int]]:
    """``(seed, workers)`` for each run: a new order every run, the worker counts in turn."""
    return [(seed + number, workers[number % len(workers)]) for number in range(runs)]


@dataclass(frozen=True)
class HuntFindings:
    tests: int
    flaky: list[Flakiness]
    always_failed: list[str]  # failed in every run: broken, not flaky
    outcomes: dict[str, str]  # test id -> "PFPPP": its result in each run, in order


def findings(records: Sequence[TestRecord], run_ids: Sequence[str]) -> HuntFindings:
    """What the hunt's records say (only the runs in ``run_ids``; reruns are not used)."""
    mine = [r for r in records if r.run_id in run_ids]
    by_test: dict[str, dict[str, str]] = defaultdict(dict)
    for record in mine:
        by_test[record.test_id][record.run_id] = record.outcome
    outcomes = {
        test_id: "".join(_letter(runs.get(run_id)) for run_id in run_ids)
        for test_id, runs in by_test.items()
    }
    always_failed = sorted(
        test_id
        for test_id, runs in by_test.items()
        if runs and all(outcome in FAILING for outcome in runs.values())
    )
    return HuntFindings(len(by_test), flaky_tests(mine), always_failed, outcomes)


def _letter(outcome: str | None) -> str:
    if outcome is None:
        return "-"
    if outcome in PASSING:
        return "P"
    return "F" if outcome in FAILING else "s"


def render(runs: Sequence[HuntRun], found: HuntFindings, quarantined: set[str]) -> str:
    lines = [
        "| run | layer | -n | seed | tests | failed | seconds |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r.number} | {r.layer} | {r.workers} | {r.seed} | {r.tests} | {r.failed} "
            f"| {r.seconds:.1f} |"
            for r in runs
        ),
        "",
        f"runs {len(runs)} · tests {found.tests} · flips found {len(found.flaky)} · "
        f"failed every run {len(found.always_failed)} · "
        f"{sum(r.seconds for r in runs):.1f} s",
    ]
    for flaky in found.flaky:
        note = " (quarantined)" if flaky.test_id in quarantined else ""
        lines.append(
            f"FLAKY{note} {flaky.layer} {flaky.test_id}: {found.outcomes.get(flaky.test_id, '')} "
            f"(flip rate {flaky.flip_rate:.0%})"
        )
    lines += [f"FAILED EVERY RUN {test_id}" for test_id in found.always_failed]
    return "\n".join(lines)


def verdict(found: HuntFindings, quarantined: set[str]) -> bool:
    """The hunt passes when nothing flipped outside the quarantine and nothing always failed."""
    loose = [f for f in found.flaky if f.test_id not in quarantined]
    return not loose and not [t for t in found.always_failed if t not in quarantined]
