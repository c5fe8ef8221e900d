"""The load verdict (edu.chaos.verdict) on failures: inside and outside the fault window and
its grace, 500s, operations that must keep succeeding, and the runs that prove nothing (no
load, no fault)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edu.chaos.target import Window
from edu.chaos.verdict import judge

Record = dict[str, Any]
MakeRecord = Callable[..., Record]
Records = Callable[..., list[Record]]


# --- failures and windows --------------------------------------------------------------------


def test_a_run_without_failures_is_ok(fault: Window, steady: Records) -> None:
    records = steady("enrol", 0, 60)
    verdict = judge(records, [fault])
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
    failed_at: float,
    grace_s: float,
    outside: bool,
    fault: Window,
    record: MakeRecord,
    steady: Records,
) -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != failed_at]
    records.append(record("enrol", failed_at, status=503, error="ConnectError"))
    verdict = judge(records, [fault], grace_s=grace_s)
    assert verdict["failed"] == 1
    assert verdict["failed_outside_window"] == (1 if outside else 0)
    assert verdict["failed_in_window"] == (0 if outside else 1)
    assert verdict["ok"] is not outside
    if outside:
        assert len(verdict["violations"]) == 1
        assert f"failed outside the fault window (+{grace_s:g} s)" in verdict["violations"][0]
        assert "enrol -> 503 ConnectError" in verdict["violations"][0]


def test_a_request_in_flight_when_the_fault_starts_is_in_the_window(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != 19.0]
    records.append(record("enrol", 19.0, ms=1500, status=0, ok=False, error="ReadTimeout"))
    verdict = judge(records, [fault])
    assert verdict["failed_in_window"] == 1
    assert verdict["ok"] is True


@pytest.mark.parametrize("allowed", [True, False])
def test_failures_inside_the_window_are_allowed_or_not(
    allowed: bool, fault: Window, steady: Records, failing: Records
) -> None:
    records = [r for r in steady("enrol", 0, 60) if not 22 <= r["t0"] < 25]
    records += failing("enrol", 22, 25)
    verdict = judge(records, [fault], errors_allowed_in_window=allowed)
    assert verdict["failed_in_window"] == 3
    assert verdict["failed_outside_window"] == 0
    assert verdict["ok"] is allowed
    if not allowed:
        assert verdict["violations"] == [
            "3 request(s) failed during a fault the load should not notice: "
            + "; ".join(["enrol -> 503 HTTPStatusError: 503 Service Unavailable"] * 3)
        ]


def test_a_500_is_a_violation_even_inside_the_window(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [r for r in steady("enrol", 0, 60) if r["t0"] != 25.0]
    records.append(record("enrol", 25.0, status=500, error="Internal Server Error"))
    verdict = judge(records, [fault], errors_allowed_in_window=True)
    assert verdict["failed_outside_window"] == 0
    assert verdict["status_500"] == 1
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "1 answer(s) were 500 Internal Server Error: enrol -> 500 Internal Server Error"
    ]


# --- operations that must keep succeeding ----------------------------------------------------


def test_keep_succeeding_holds_with_successes_and_no_failures(
    fault: Window, steady: Records, failing: Records
) -> None:
    records = steady("signup", 0, 60) + failing("enrol", 20, 31) + steady("enrol", 31, 60)
    verdict = judge(records, [fault], keep_succeeding=["signup"])
    # signups starting at 20, 21, ..., 30 were in flight during [20, 30]
    assert verdict["ok_during_fault"] == {"signup": 11}
    assert verdict["ok"] is True, verdict["violations"]


def test_keep_succeeding_fails_on_one_failure_during_the_window(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [r for r in steady("signup", 0, 60) if r["t0"] != 25.0]
    records.append(record("signup", 25.0, status=503))
    verdict = judge(records, [fault], keep_succeeding=["signup"])
    assert verdict["ok_during_fault"] == {"signup": 10}
    assert verdict["ok"] is False
    assert (
        "signup: 10 succeeded and 1 failed during the fault (it should keep succeeding)"
        in verdict["violations"]
    )


def test_keep_succeeding_fails_when_the_operation_did_not_run_during_the_window(
    fault: Window, steady: Records
) -> None:
    records = steady("signup", 0, 15) + steady("signup", 35, 60) + steady("enrol", 0, 60)
    verdict = judge(records, [fault], keep_succeeding=["signup"])
    assert verdict["ok_during_fault"] == {"signup": 0}
    assert verdict["violations"] == [
        "signup: 0 succeeded and 0 failed during the fault (it should keep succeeding)"
    ]


# --- runs that prove nothing -----------------------------------------------------------------


def test_too_few_requests_means_the_load_did_not_run(fault: Window, steady: Records) -> None:
    verdict = judge(steady("enrol", 15, 25), [fault])
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "only 10 requests were made (at least 20 expected): the load did not run"
    ]
    assert judge(steady("enrol", 15, 25), [fault], min_requests=10)["ok"] is True


def test_no_fault_window_means_the_fault_was_never_injected(steady: Records) -> None:
    verdict = judge(steady("enrol", 0, 60), [])
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "no fault window in the timeline: the fault was never injected"
    ]
    assert verdict["windows"] == []
    assert verdict["p95_ms"] == {"before": 50.0, "during": None, "after": None}


def test_setup_requests_are_ignored(fault: Window, record: MakeRecord, steady: Records) -> None:
    setup = [record("setup", float(t)) for t in range(0, 60)]
    # the load's own preparation failing, even with a 500, is not the platform under fault
    setup.append(record("setup", 45.0, status=500, error="Internal Server Error"))
    verdict = judge(setup + steady("enrol", 10, 20), [fault])
    assert verdict["requests"] == 10
    assert verdict["failed"] == 0
    assert verdict["status_500"] == 0
    assert verdict["violations"] == [
        "only 10 requests were made (at least 20 expected): the load did not run"
    ]
    assert judge(setup + steady("enrol", 0, 60), [fault])["ok"] is True
