"""The load verdict (edu.chaos.verdict) on faults some requests must meet: which operations may
fail and how (statuses, problem documents, Retry-After while the fault held), operations that
must be refused or pass uncounted while it held, signed-in requests that must stay fast, and
recovery measured from the end of faults that follow one another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from edu.chaos.target import Window
from edu.chaos.verdict import judge

Record = dict[str, Any]
MakeRecord = Callable[..., Record]
Records = Callable[..., list[Record]]

PROBLEM = "application/problem+json"


def signups_after(steady: Records) -> list[Record]:
    """Sign-ups succeeding again after the fault (t = 31 s on): the refused ones recovered."""
    return steady("signup", 31, 60)


def refusal(record: MakeRecord, op: str, t0: float, status: int = 503, **extra: Any) -> Record:
    """A refused request: a problem document with Retry-After unless ``extra`` says otherwise."""
    made = record(op, t0, status=status, error="refused")
    made.update({"type": PROBLEM, "retry_after": "5", **extra})
    return {key: value for key, value in made.items() if value is not None}


# --- which operations may fail, and how --------------------------------------------------------


def test_only_the_operations_that_may_fail_do(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [*steady("enrol", 0, 60), *signups_after(steady), refusal(record, "signup", 22.0)]
    assert judge(records, [fault], may_fail=["signup", "login"])["ok"] is True

    records.append(refusal(record, "enrol", 23.0, status=401))
    verdict = judge(records, [fault], may_fail=["signup", "login"])
    assert verdict["ok"] is False
    assert verdict["violations"] == [
        "1 request(s) failed during the fault that should not have (only login, signup may): "
        "enrol -> 401 refused"
    ]


@pytest.mark.parametrize(("status", "ok"), [(502, True), (503, True), (0, False), (504, False)])
def test_failures_must_have_an_allowed_status(
    status: int, ok: bool, fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [*steady("enrol", 0, 60), *signups_after(steady)]
    records.append(refusal(record, "signup", 22.0, status=status))
    verdict = judge(records, [fault], failure_statuses=[502, 503])
    assert verdict["ok"] is ok
    if not ok:
        assert verdict["violations"][0].startswith(
            "1 request(s) failed during the fault without a 502 or 503 answer: signup -> "
        )


def test_a_refusal_must_be_a_problem_document(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    base = [*steady("enrol", 0, 60), *signups_after(steady)]
    plain = refusal(record, "signup", 22.0, status=502, type="text/html")
    verdict = judge([*base, plain], [fault], failures_are_problems=True)
    assert verdict["violations"] == [
        "1 refusal(s) during the fault were not a problem document: signup -> 502 refused "
        "[text/html]"
    ]
    # no answer at all is judged by the statuses, not as a document
    silent = record("signup", 22.0, status=0, ok=False, error="ReadTimeout")
    assert judge([*base, silent], [fault], failures_are_problems=True)["ok"]


def test_a_503_while_the_fault_held_must_say_when_to_retry(
    record: MakeRecord, steady: Records
) -> None:
    fault = Window("redis-down", 20.0, 30.0, proven=20.5, removing=29.0)
    base = [*steady("enrol", 0, 60), *signups_after(steady)]
    held = refusal(record, "signup", 22.0, retry_after=None)
    verdict = judge([*base, held], [fault], failures_are_problems=True)
    assert verdict["violations"] == [
        "1 503(s) while the fault held came without Retry-After: signup -> 503 refused"
    ]
    # once its removal began (the server coming back), another part may still refuse
    recovering = refusal(record, "signup", 29.5, retry_after=None)
    assert judge([*base, recovering], [fault], failures_are_problems=True, grace_s=5)["ok"]


# --- refused, or let through uncounted, while the fault held ---------------------------------


def test_an_operation_that_must_be_refused_never_succeeds_while_the_fault_held(
    record: MakeRecord, steady: Records
) -> None:
    fault = Window("redis-down", 20.0, 30.0, proven=20.5, removing=29.0)
    refused = [refusal(record, "signup", float(t)) for t in range(21, 29)]
    base = [*steady("enrol", 0, 60), *signups_after(steady)]
    verdict = judge(base + refused, [fault], refused_during=["signup"])
    assert verdict["ok"] is True, verdict["violations"]
    assert verdict["refused_while_held"] == {"signup": 8}

    # before the proof or after the removal began a success proves nothing
    edges = [record("signup", 20.1), record("signup", 29.2)]
    assert judge(base + refused + edges, [fault], refused_during=["signup"])["ok"] is True

    let_through = [record("signup", 25.5)]
    verdict = judge(base + refused + let_through, [fault], refused_during=["signup"])
    assert verdict["violations"] == ["signup: 1 succeeded while the fault held (refused: 8)"]


def test_an_operation_that_must_be_refused_must_be_tried(fault: Window, steady: Records) -> None:
    verdict = judge(steady("enrol", 0, 60), [fault], refused_during=["signup"])
    assert verdict["violations"] == [
        "signup: none was tried while the fault held: the load never met it"
    ]


def test_successes_while_the_rate_limiter_was_down_went_uncounted(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = steady("signed_in_enrol", 0, 60)
    verdict = judge(records, [fault], uncounted_during=["signed_in_enrol"])
    assert verdict["ok"] is True
    assert verdict["uncounted_while_held"] == {"signed_in_enrol": 10}

    counted = record("signed_in_enrol", 25.5)
    counted["ratelimit"] = "600"
    verdict = judge([*records, counted], [fault], uncounted_during=["signed_in_enrol"])
    assert verdict["violations"] == [
        "signed_in_enrol: 1 of 11 successes while the fault held were counted by the rate "
        "limiter (RateLimit-Limit sent): it never lost its store"
    ]


def test_an_operation_that_must_pass_uncounted_must_succeed(fault: Window, steady: Records) -> None:
    records = steady("signed_in_enrol", 0, 15) + steady("enrol", 0, 60)
    verdict = judge(records, [fault], uncounted_during=["signed_in_enrol"])
    assert verdict["violations"] == ["signed_in_enrol: no success while the fault held"]


# --- fast enough, and recovered ----------------------------------------------------------------


def test_operations_that_keep_succeeding_can_be_held_to_a_time(
    fault: Window, record: MakeRecord, steady: Records
) -> None:
    records = [r for r in steady("teacher_view", 0, 60) if r["t0"] != 24.0]
    records.append(record("teacher_view", 24.0, ms=3020))
    assert judge(records, [fault], keep_succeeding=["teacher_view"])["ok"] is True
    verdict = judge(
        records, [fault], keep_succeeding=["teacher_view"], keep_succeeding_within_ms=2500
    )
    assert verdict["violations"] == [
        "teacher_view: 1 success(es) during the fault took over 2500 ms (slowest 3020 ms): "
        "it was held up"
    ]


def test_recovery_counts_from_the_end_of_the_fault_that_followed_at_once(
    record: MakeRecord, steady: Records
) -> None:
    hung = Window("identity-hung", 20.0, 25.0)
    down = Window("identity-down", 25.0, 30.0)
    records = steady("enrol", 0, 60)
    records += [refusal(record, "login", 24.0, status=502), record("login", 31.0)]
    verdict = judge(records, [hung, down], grace_s=5)
    assert verdict["recovered_in_s"] == {"login": pytest.approx(1.05)}
    assert verdict["ok"] is True, verdict["violations"]
