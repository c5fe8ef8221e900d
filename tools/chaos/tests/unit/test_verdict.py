"""The load verdict (edu.chaos.verdict) on hand-made request records: failures inside and
outside the fault windows, 500s, operations that must keep succeeding, recovery times, the
p95 by phase and its after/before ratio, and the runs that prove nothing (no load, no fault)."""

from __future__ import annotations

from typing import Any

import pytest

from edu.chaos.target import Window
from edu.chaos.verdict import judge, percentile

Record = dict[str, Any]

# One fault from t=20 s to t=30 s; the load runs from 0 to 60 s, one request a second.
FAULT = Window("postgres-down", 20.0, 30.0)


def record(
    op: str,
    t0: float,
    ms: float = 50.0,
    status: int = 200,
    ok: bool | None = None,
    error: str = "",
    ref: str = "",
) -> Record:
    return {
        "op": op,
        "t0": t0,
        "t1": t0 + ms / 1000,
        "status": status,
        "ok": (200 <= status < 300) if ok is None else ok,
        "error": error,
        "ref": ref,
    }


def steady(
    op: str, start: float, stop: float, ms: float = 50.0, per_second: int = 1
) -> list[Record]:
    """``per_second`` successful ``op``s a second, starting at ``start`` and before ``stop``."""
    ticks = range(int(start) * per_second, int(stop) * per_second)
    return [record(op, t / per_second, ms) for t in ticks]


def failing(op: str, start: float, stop: float, status: int = 503) -> list[Record]:
    return [
        record(op, float(t), status=status, error="HTTPStatusError: 503 Service Unavailable")
        for t in range(int(start), int(stop))
    ]


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


# --- failures and windows --------------------------------------------------------------------


def test_a_run_without_failures_is_ok() -> None:
    records = steady("enrol", 0, 60)
    verdict = judge(records, [FAULT])
    assert verdict["ok"] is True
    assert verdict["violations"] == []
    assert verdict["requests"] == 60
    assert verdict["failed"] == 0
    assert verdict["enrolments"] == 60
    assert verdict["recovered_in_s"] == {}
    assert verdict["windows"] == [{"fault": "postgres-down", "seconds": 10.0}]


@pytest.mark.parametrize(
    ("failed_at", "grace_s", "outside"),
    [
        (10.0, 5.0, True),  # before the fault
        (33.0, 5.0, False),  # within the grace after it
        (36.0, 5.0, True),  # after the grace
        (33.0, 0.0, True),  # no grace: after the fault is outside
    ],
)
def test_a_failure_counts_against_the_window_plus_grace(
    failed_at: float, grace_s: float, outside: bool
) -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != failed_at]
    records.append(record("enrol", failed_at, status=503, error="ConnectError"))
    verdict = judge(records, [FAULT], grace_s=grace_s)
    assert verdict["failed"] == 1
    assert verdict["failed_outside_window"] == (1 if outside else 0)
    assert verdict["failed_in_window"] == (0 if outside else 1)
    assert verdict["ok"] is not outside
    if outside:
        assert len(verdict["violations"]) == 1
        assert f"failed outside the fault window (+{grace_s:g} s)" in verdict["violations"][0]
        assert "enrol -> 503 ConnectError" in verdict["violations"][0]


def test_a_request_in_flight_when_the_fault_starts_is_in_the_window() -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != 19.0]
    records.append(record("enrol", 19.0, ms=1500, status=0, ok=False, error="ReadTimeout"))
    verdict = judge(records, [FAULT])
    assert verdict["failed_in_window"] == 1
    assert verdict["ok"] is True


@pytest.mark.parametrize("allowed", [True, False])
def test_failures_inside_the_window_are_allowed_or_not(allowed: bool) -> None:
    records = [r for r in steady("enrol", 0, 60) if not 22 <= r["t0"] < 25]
    records += failing("enrol", 22, 25)
    verdict = judge(records, [FAULT], errors_allowed_in_window=allowed)
    assert verdict["failed_in_window"] == 3
    assert verdict["failed_outside_window"] == 0
    assert verdict["ok"] is allowed
    if not allowed:
        assert verdict["violations"] == [
            "3 request(s) failed during a fault the load should not notice: "
            + "; ".join(["enrol -> 503 HTTPStatusError: 503 Service Unavailable"] * 3)
        ]


def test_a_500_is_a_violation_even_inside_the_window() -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != 25.0]
    records.append(record("enrol", 25.0, status=500, error="Internal Server Error"))
    verdict = judge(records, [FAULT], errors_allowed_in_window=True)
    assert verdict["failed_outside_window"] == 0
    assert verdict["status_500"] == 1
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "1 answer(s) were 500 Internal Server Error: enrol -> 500 Internal Server Error"
    ]


# --- operations that must keep succeeding ----------------------------------------------------


def test_keep_succeeding_holds_with_successes_and_no_failures() -> None:
    records = steady("signup", 0, 60) + failing("enrol", 20, 31) + steady("enrol", 31, 60)
    verdict = judge(records, [FAULT], keep_succeeding=["signup"])
    # signups starting at 20, 21, ..., 30 were in flight during [20, 30]
    assert verdict["ok_during_fault"] == {"signup": 11}
    assert verdict["ok"] is True, verdict["violations"]


def test_keep_succeeding_fails_on_one_failure_during_the_window() -> None:
    records = [r for r in steady("signup", 0, 60) if r["t0"] != 25.0]
    records.append(record("signup", 25.0, status=503))
    verdict = judge(records, [FAULT], keep_succeeding=["signup"])
    assert verdict["ok_during_fault"] == {"signup": 10}
    assert verdict["ok"] is False
    assert (
        "signup: 10 succeeded and 1 failed during the fault (it should keep succeeding)"
        in verdict["violations"]
    )


def test_keep_succeeding_fails_when_the_operation_did_not_run_during_the_window() -> None:
    records = steady("signup", 0, 15) + steady("signup", 35, 60) + steady("enrol", 0, 60)
    verdict = judge(records, [FAULT], keep_succeeding=["signup"])
    assert verdict["ok_during_fault"] == {"signup": 0}
    assert verdict["violations"] == [
        "signup: 0 succeeded and 0 failed during the fault (it should keep succeeding)"
    ]


# --- recovery --------------------------------------------------------------------------------


def outage(recovers_at: float) -> list[Record]:
    """enrol succeeds before the fault, fails from its start until ``recovers_at``, then
    succeeds again; signup runs throughout (so the load is never short of requests)."""
    return (
        steady("enrol", 0, 20)
        + failing("enrol", 20, recovers_at)
        + steady("enrol", recovers_at, 60)
        + steady("signup", 0, 60)
    )


def test_recovery_is_measured_from_the_end_of_the_fault() -> None:
    verdict = judge(outage(recovers_at=34), [FAULT], grace_s=10)
    # the first success after the fault started at 34 s and ended 50 ms later
    assert verdict["recovered_in_s"] == {"enrol": pytest.approx(4.05)}
    assert verdict["ok"] is True, verdict["violations"]


def test_a_recovery_slower_than_the_grace_is_a_violation() -> None:
    verdict = judge(outage(recovers_at=34), [FAULT], grace_s=5)
    assert verdict["recovered_in_s"] == {"enrol": pytest.approx(4.05)}
    assert verdict["ok"] is True, verdict["violations"]
    verdict = judge(outage(recovers_at=34), [FAULT], grace_s=3)
    assert "enrol took 4.0 s to recover (allowed 3 s)" in verdict["violations"]
    assert verdict["ok"] is False


def test_an_operation_that_never_succeeds_again_is_a_violation() -> None:
    # enrol fails during the fault and is never requested again; signup goes on
    records = steady("enrol", 0, 20) + failing("enrol", 20, 31) + steady("signup", 0, 60)
    verdict = judge(records, [FAULT])
    assert verdict["recovered_in_s"] == {"enrol": None}
    assert verdict["violations"] == ["enrol never succeeded again after the fault was removed"]


def test_a_success_early_in_the_window_is_not_a_recovery() -> None:
    # The first enrol of the window got through before the fault took hold; every later one
    # failed and none ran after the fault: enrol never recovered.
    records = steady("enrol", 0, 21) + failing("enrol", 21, 31) + steady("signup", 0, 60)
    verdict = judge(records, [FAULT])
    assert verdict["recovered_in_s"] == {"enrol": None}
    assert "enrol never succeeded again after the fault was removed" in verdict["violations"]


def test_recovery_over_two_faults_is_the_slowest() -> None:
    first, second = Window("nats-down", 10.0, 15.0), Window("nats-down", 30.0, 35.0)
    records = (
        steady("enrol", 0, 10)
        + failing("enrol", 10, 16)
        + steady("enrol", 16, 30)
        + failing("enrol", 30, 38)
        + steady("enrol", 38, 60)
    )
    verdict = judge(records, [first, second], grace_s=10)
    assert verdict["recovered_in_s"] == {"enrol": pytest.approx(3.05)}


# --- p95 by phase ----------------------------------------------------------------------------


def phased(before_ms: float, during_ms: float, after_ms: float) -> list[Record]:
    """enrol taking ``before_ms`` before the fault, ``during_ms`` during it, ``after_ms``
    once the 2 s settling time after it has passed. The settling seconds themselves are slow
    and must count in no phase; browse is slow too (p95_ops leaves it out)."""
    return (
        steady("enrol", 0, 20, before_ms, per_second=10)
        + steady("enrol", 20, 30, during_ms)
        + [record("enrol", t0, 5000.0) for t0 in (30.5, 31.0, 31.5)]
        + steady("enrol", 33, 60, after_ms, per_second=10)
        + steady("browse", 0, 60, 900.0)
    )


def test_p95_by_phase() -> None:
    verdict = judge(phased(50, 400, 60), [FAULT], settle_s=2.0, p95_ops=["enrol"])
    assert verdict["p95_ms"] == {"before": 50.0, "during": 400.0, "after": 60.0}
    assert verdict["p95_ratio_after_to_before"] is None  # not asked for


def test_failed_requests_are_no_latency_samples() -> None:
    slow_failures = [record("enrol", t0, 9000.0, status=503) for t0 in (5.0, 6.0, 7.0)]
    verdict = judge(phased(50, 400, 60) + slow_failures, [FAULT], p95_ops=["enrol"])
    assert verdict["p95_ms"]["before"] == 50.0


def test_p95_covers_every_operation_without_p95_ops() -> None:
    verdict = judge(phased(50, 400, 60), [FAULT], settle_s=2.0)
    assert verdict["p95_ms"] == {"before": 900.0, "during": 900.0, "after": 900.0}


def test_p95_ratio_within_the_limit_passes() -> None:
    verdict = judge(phased(50, 400, 60), [FAULT], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(1.2)
    assert verdict["ok"] is True, verdict["violations"]


def test_p95_ratio_above_the_limit_fails() -> None:
    verdict = judge(phased(50, 400, 150), [FAULT], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(3.0)
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "p95 after the fault is 150 ms, 3.00x the 50 ms before it "
        "(allowed 2x; beyond the 99 % bounds of both)"
    ]
    assert verdict["p95_samples"] == {"before": 200, "during": 10, "after": 270}


def test_a_few_slow_requests_after_the_fault_are_no_proven_breach() -> None:
    """Two slow requests among 30 make the sample p95 ten times the one before; the bounds
    do not confirm it, so noise cannot fail the experiment."""
    after = steady("enrol", 33, 61, 50.0) + [record("enrol", t0, 500.0) for t0 in (40.5, 50.5)]
    records = steady("enrol", 0, 20, 50.0, per_second=10) + steady("enrol", 20, 30, 400) + after
    verdict = judge(records, [FAULT], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["p95_ratio_after_to_before"] == pytest.approx(10.0)
    assert verdict["ok"] is True, verdict["violations"]


def test_p95_ratio_without_enough_requests_before_the_fault_fails() -> None:
    records = [r for r in phased(50, 400, 60) if r["t0"] >= 19]  # 19.0 .. 19.9: ten before
    verdict = judge(records, [FAULT], max_p95_ratio=2.0, p95_ops=["enrol"])
    assert verdict["ok"] is False
    assert (
        "not enough samples to compare p95 before (n=10) and after (n=270) the fault: each "
        "needs 20; the load did not run long enough"
    ) in verdict["violations"]


def test_p95_after_starts_after_the_last_fault_ends_even_when_faults_nest() -> None:
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


# --- runs that prove nothing -----------------------------------------------------------------


def test_too_few_requests_means_the_load_did_not_run() -> None:
    verdict = judge(steady("enrol", 15, 25), [FAULT])
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "only 10 requests were made (at least 20 expected): the load did not run"
    ]
    assert judge(steady("enrol", 15, 25), [FAULT], min_requests=10)["ok"] is True


def test_no_fault_window_means_the_fault_was_never_injected() -> None:
    verdict = judge(steady("enrol", 0, 60), [])
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "no fault window in the timeline: the fault was never injected"
    ]
    assert verdict["windows"] == []
    assert verdict["p95_ms"] == {"before": 50.0, "during": None, "after": None}


def test_setup_requests_are_ignored() -> None:
    setup = [record("setup", float(t)) for t in range(0, 60)]
    # the load's own preparation failing, even with a 500, is not the platform under fault
    setup.append(record("setup", 45.0, status=500, error="Internal Server Error"))
    verdict = judge(setup + steady("enrol", 10, 20), [FAULT])
    assert verdict["requests"] == 10
    assert verdict["failed"] == 0
    assert verdict["status_500"] == 0
    assert verdict["violations"] == [
        "only 10 requests were made (at least 20 expected): the load did not run"
    ]
    assert judge(setup + steady("enrol", 0, 60), [FAULT])["ok"] is True
