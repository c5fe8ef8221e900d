"""The load verdict (edu.chaos.verdict) on recovery: how long each operation took to succeed
again after the fault was removed, against the grace it is allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pytest

from edu.chaos.target import Window
from edu.chaos.verdict import judge

Record = dict[str, Any]
Records = Callable[..., list[Record]]


class Outage(Protocol):
    def __call__(self, recovers_at: float) -> list[Record]: ...


@pytest.fixture
def outage(steady: Records, failing: Records) -> Outage:
    """enrol succeeds before the fault, fails from its start until ``recovers_at``, then
    succeeds again; signup runs throughout (so the load is never short of requests)."""

    def records(recovers_at: float) -> list[Record]:
        return (
            steady("enrol", 0, 20)
            + failing("enrol", 20, recovers_at)
            + steady("enrol", recovers_at, 60)
            + steady("signup", 0, 60)
        )

    return records


def test_recovery_is_measured_from_the_end_of_the_fault(fault: Window, outage: Outage) -> None:
    verdict = judge(outage(recovers_at=34), [fault], grace_s=10)
    # the first success after the fault started at 34 s and ended 50 ms later
    assert verdict["recovered_in_s"] == {"enrol": pytest.approx(4.05)}
    assert verdict["ok"] is True, verdict["violations"]


def test_a_recovery_slower_than_the_grace_is_a_violation(fault: Window, outage: Outage) -> None:
    verdict = judge(outage(recovers_at=34), [fault], grace_s=5)
    assert verdict["recovered_in_s"] == {"enrol": pytest.approx(4.05)}
    assert verdict["ok"] is True, verdict["violations"]
    verdict = judge(outage(recovers_at=34), [fault], grace_s=3)
    assert "enrol took 4.0 s to recover (allowed 3 s)" in verdict["violations"]
    assert verdict["ok"] is False


def test_an_operation_that_never_succeeds_again_is_a_violation(
    fault: Window, steady: Records, failing: Records
) -> None:
    # enrol fails during the fault and is never requested again; signup goes on
    records = steady("enrol", 0, 20) + failing("enrol", 20, 31) + steady("signup", 0, 60)
    verdict = judge(records, [fault])
    assert verdict["recovered_in_s"] == {"enrol": None}
    assert verdict["violations"] == ["enrol never succeeded again after the fault was removed"]


def test_a_success_early_in_the_window_is_not_a_recovery(
    fault: Window, steady: Records, failing: Records
) -> None:
    # The first enrol of the window got through before the fault took hold; every later one
    # failed and none ran after the fault: enrol never recovered.
    records = steady("enrol", 0, 21) + failing("enrol", 21, 31) + steady("signup", 0, 60)
    verdict = judge(records, [fault])
    assert verdict["recovered_in_s"] == {"enrol": None}
    assert "enrol never succeeded again after the fault was removed" in verdict["violations"]


def test_recovery_over_two_faults_is_the_slowest(steady: Records, failing: Records) -> None:
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
