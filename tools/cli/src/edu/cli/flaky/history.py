"""Each test's pass/fail history: one line per test per attempt in ``.edu/results/history.jsonl``.

The layer runner has always appended one line per layer run to that file (the report's trends);
test lines sit beside them, told apart by ``"record": "test"``, so one file travels from night to
night in CI. A test is **flaky** when it both passed and failed on the same code (the same
commit, and for a dirty tree the same diff): a failure that a rerun turns green, or a result
that changes between the flake hunt's runs. A red run followed by a green one on a *new*
commit is a fix, not a flake.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

RECORD = "test"
FAILING = ("failed", "error")
PASSING = ("passed",)


@dataclass(frozen=True)
class TestRecord:
    """One attempt of one test in one run of a layer."""

    __test__ = False  # not a pytest test class, whatever its name says

    run_id: str
    time: str
    layer: str
    test_id: str
    outcome: str  # passed | failed | error | skipped
    attempt: int  # 1 for the first run of the test; 2, 3, ... for reruns in the same run
    commit: str

    def to_json(self) -> dict[str, object]:
        return {"record": RECORD, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TestRecord:
        return cls(
            run_id=str(data["run_id"]),
            time=str(data["time"]),
            layer=str(data["layer"]),
            test_id=str(data["test_id"]),
            outcome=str(data["outcome"]),
            attempt=int(str(data["attempt"])),
            commit=str(data["commit"]),
        )


@dataclass(frozen=True)
class Attempt:
    """One outcome of one test: what the layer's run reported, before it becomes a record."""

    test_id: str
    outcome: str
    attempt: int = 1


def records_for(
    attempts: Iterable[Attempt], *, run_id: str, time: str, layer: str, commit: str
) -> list[TestRecord]:
    return [
        TestRecord(run_id, time, layer, a.test_id, a.outcome, a.attempt, commit) for a in attempts
    ]


def append_records(history: Path, records: Sequence[TestRecord]) -> None:
    if not records:
        return
    history.parent.mkdir(parents=True, exist_ok=True)
    with history.open("a") as out:
        out.writelines(json.dumps(r.to_json()) + "\n" for r in records)


def read_records(history: Path) -> list[TestRecord]:
    """The test lines of a history file, in order; layer lines and torn lines are passed over."""
    try:
        lines = history.read_text().splitlines()
    except OSError:
        return []
    records: list[TestRecord] = []
    for line in lines:
        try:
            data = json.loads(line)
            if isinstance(data, dict) and data.get("record") == RECORD:
                records.append(TestRecord.from_json(data))
        except (ValueError, KeyError, TypeError):
            continue
    return records


def final_outcomes(attempts: Iterable[Attempt]) -> dict[str, str]:
    """Each test's outcome in its last attempt: what the run finally said about it."""
    last: dict[str, Attempt] = {}
    for attempt in attempts:
        seen = last.get(attempt.test_id)
        if seen is None or attempt.attempt >= seen.attempt:
            last[attempt.test_id] = attempt
    return {test_id: a.outcome for test_id, a in last.items()}


def flipped_on_rerun(attempts: Iterable[Attempt]) -> list[str]:
    """Tests that failed and then passed on a rerun within one run: flaky, though green."""
    by_test: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_test[attempt.test_id].append(attempt)
    return sorted(
        test_id
        for test_id, tries in by_test.items()
        if _flips([a.outcome for a in sorted(tries, key=lambda a: a.attempt)])
    )


@dataclass(frozen=True)
class Flakiness:
    """What the history says about one test that flipped on the same code."""

    layer: str
    test_id: str
    results: int  # pass/fail results on the commits where it flipped
    flips: int  # consecutive results on one commit that differ (pass -> fail or fail -> pass)
    last_flip: str  # time of the last run in which it flipped

    @property
    def flip_rate(self) -> float:
        return self.flips / max(1, self.results - 1)


def flaky_tests(records: Iterable[TestRecord]) -> list[Flakiness]:
    """Every test with both a pass and a failure on one commit, worst flip rate first."""
    by_code: dict[tuple[str, str, str], list[TestRecord]] = defaultdict(list)
    for record in records:
        if record.outcome in FAILING + PASSING:
            by_code[(record.layer, record.test_id, record.commit)].append(record)
    found: dict[tuple[str, str], Flakiness] = {}
    for (layer, test_id, _commit), tries in by_code.items():
        flips = _flips([r.outcome for r in tries])
        if not flips:
            continue
        last = max(
            (b.time for a, b in pairwise(tries) if _passed(a) != _passed(b)), default=tries[-1].time
        )
        before = found.get((layer, test_id))
        if before is not None:
            flips += before.flips
            last = max(last, before.last_flip)
        results = len(tries) + (before.results if before else 0)
        found[(layer, test_id)] = Flakiness(layer, test_id, results, flips, last)
    return sorted(found.values(), key=lambda f: (-f.flip_rate, f.layer, f.test_id))


def flip_rate(records: Iterable[TestRecord], test_id: str) -> tuple[int, float]:
    """(results, flip rate) of one test over all its history, commit by commit."""
    by_commit: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if record.test_id == test_id and record.outcome in FAILING + PASSING:
            by_commit[record.commit].append(record.outcome)
    results = sum(len(outcomes) for outcomes in by_commit.values())
    pairs = sum(max(0, len(outcomes) - 1) for outcomes in by_commit.values())
    flips = sum(_flips(outcomes) for outcomes in by_commit.values())
    return results, (flips / pairs if pairs else 0.0)


def _passed(record: TestRecord) -> bool:
    return record.outcome in PASSING


def _flips(outcomes: Sequence[str]) -> int:
    verdicts = [o in PASSING for o in outcomes if o in FAILING + PASSING]
    return sum(a != b for a, b in pairwise(verdicts))
