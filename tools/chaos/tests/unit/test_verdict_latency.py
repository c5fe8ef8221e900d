"""The load verdict (edu.chaos.verdict) on latency: the nearest-rank percentile, the p95 by
phase (before, during and after the fault) and its after/before ratio, judged on bounds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edu.chaos.target import Window
from edu.chaos.verdict import judge, percentile

Record = dict[str, Any]
MakeRecord = Callable[..., Record]
Records = Callable[..., list[Record]]
Phased = Callable[[float, float, float], list[Record]]


@pytest.fixture
def phased(record: MakeRecord, steady: Records) -> Phased:
    """enrol taking ``before_ms`` before the fault, ``during_ms`` during it, ``after_ms``
    once the 2 s settling time after it has passed. The settling seconds themselves are slow
    and must count in no phase; browse is slow too (p95_ops leaves it out)."""

    def records(before_ms: float, during_ms: float, after_ms: float) -> list[Record]:
        return (
            steady("enrol", 0, 20, before_ms, per_second=10)
            + steady("enrol", 20, 30, during_ms)
            + [record("enrol", t0, 5000.0) for t0 in (30.5, 31.0, 31.5)]
            + steady("enrol", 33, 60, after_ms, per_second=10)
            + steady("browse", 0, 60, 900.0)
        )

    return records


# --- percentile ------------------------------------------------------------------------------


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 95) is None


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([7.0], 95, 7.0),
        ([float(v) for v in range(1, 21)], 95, 19.0),  # rank ceil(0.95 * 20) = 19
        ([float(v) for v in range(1, 101)], 95, 95.0),
        ([float(v) for v in range(1, 101)], 7, 7.0),  # 7 / 100 * 100 is 7.000000000000001
        ([4.0, 1.0, 3.0, 2.0], 50, 2.0),  # unsorted input; nearest rank, no interpolation
        ([4.0, 1.0, 3.0, 2.0], 100, 4.0),
        ([4.0, 1.0, 3.0, 2.0], 0, 1.0),
    ],
)
def test_percentile_is_the_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


# --- p95 by phase ----------------------------------------------------------------------------


def test_p95_by_phase(fault: Window, phased: Phased) -> None:
    verdict = judge(phased(50, 400, 60), [fault], settle_s=2.0, p95_ops=["enrol"])
    assert verdict["p95_ms"] == {"before": 50.0, "during": 400.0, "after": 60.0}
    assert verdict["p95_ratio_after_to_before"] is None  # not asked for


def test_failed_requests_are_no_latency_samples(
    fault: Window, record: MakeRecord, phased: Phased
) -> None:
    slow_failures = [record("enrol", t0, 9000.0, status=503) for t0 in (5.0, 6.0, 7.0)]
    verdict = judge(phased(50, 400, 60) + slow_failures, [fault], p95_ops=["enrol"])
    assert verdict["p95_ms"]["before"] == 50.0


def test_p95_covers_every_operation_without_p95_ops(fault: Window, phased: Phased) -> None:
    verdict = judge(phased(50, 400, 60), [fault], settle_s=2.0)
    assert verdict["p95_ms"] == {"before": 900.0, "during": 900.0, "after": 900.0}


def test_p95_ratio_within_the_limit_passes(fault: Window, phased: Phased) -> None:
    verdict = judge(phased(50, 400, 60), [fault], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(1.2)
    assert verdict["ok"] is True, verdict["violations"]


def test_p95_ratio_above_the_limit_fails(fault: Window, phased: Phased) -> None:
    verdict = judge(phased(50, 400, 150), [fault], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(3.0)
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "p95 after the fault is 150 ms, 3.00x the 50 ms before it "
        "(allowed 2x; beyond the 99 % bounds of both)"
    ]
    assert verdict["p95_samples"] == {"before": 200, "during": 10, "after": 270}


def test_a_few_slow_requests_after_the_fault_are_no_proven_breach(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    """Two slow requests among 30 make the sample p95 ten times the one before; the bounds
    do not confirm it, so noise cannot fail the experiment."""
    after = steady("enrol", 33, 61, 50.0) + [record("enrol", t0, 500.0) for t0 in (40.5, 50.5)]
    records = steady("enrol", 0, 20, 50.0, per_second=10) + steady("enrol", 20, 30, 400) + after
    verdict = judge(records, [fault], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(10.0)
    assert verdict["ok"] is True, verdict["violations"]


def test_p95_ratio_without_enough_requests_before_the_fault_fails(
    fault: Window, phased: Phased
) -> None:
    records = [r for r in phased(50, 400, 60) if r["t0"] >= 19]  # 19.0 .. 19.9: ten before
    verdict = judge(records, [fault], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["ok"] is False
    assert (
        "not enough samples to compare p95 before (n=10) and after (n=270) the fault: each "
        "needs 20; the load did not run long enough"
    ) in verdict["violations"]


def test_p95_after_starts_after_the_last_fault_ends_even_when_faults_nest(steady: Records) -> None:
    # latency from 20 to 40 s, and a shorter outage inside it (fault_windows sorts by start)
    outer, inner = Window("db-latency", 20.0, 40.0), Window("db-down", 25.0, 30.0)
    records = (
        steady("enrol", 0, 20, 50, per_second=10)
        + steady("enrol", 20, 41, 400)
        + steady("enrol", 43, 60, 60, per_second=10)
    )
    verdict = judge(records, [outer, inner], settle_s=2.0, max_p95_ratio=2.0)
    assert verdict["p95_ms"] == {"before": 50.0, "during": 400.0, "after": 60.0}
    assert verdict["ok"] is True, verdict["violations"]
