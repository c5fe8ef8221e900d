"""Judging the background load against the faults: pure functions over the recorded requests.

A request belongs to a fault when it was in flight at any moment between the fault's
injection and its removal plus ``grace_s`` (the time the platform may take to recover). The
report says how many requests failed inside and outside those windows, whether any answer
was a 500 (never acceptable: an outage is a 503 with a problem document), which operations
kept succeeding during the fault, the p95 before, during and after, and how long after the
fault's removal each operation that failed during it first succeeded again.

For a fault some requests must meet (sign-in while identity or the rate limiter is down) it
also says how they failed inside the window and its grace: only the operations in
``may_fail``, only with the statuses in ``failure_statuses``, and with
``failures_are_problems`` each a problem document (``application/problem+json``), every 503
while the fault certainly held with ``Retry-After``. While it certainly held (from the proof
of the fault to the start of its removal: ``Window.held_from`` / ``held_until``) the
operations in ``refused_during`` must all be refused (and some must have been tried), and
every success of those in ``uncounted_during`` must carry no ``RateLimit-Limit`` (the gateway
let it through uncounted: its rate limiter failed open). ``keep_succeeding_within_ms``: the
operations that must keep succeeding must also answer within that time during the fault.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edu.chaos.target import Window
from edu.common.percentiles import histogram_of, min_samples, proven_ratio_breach


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    # q * n first: q / 100 * n is 7.000000000000001 for q = 7, n = 100 (rank 8, not 7)
    rank = max(1, math.ceil(q * len(ordered) / 100))
    return ordered[rank - 1]


def _overlaps(record: Mapping[str, Any], start: float, end: float) -> bool:
    return float(record["t0"]) <= end and float(record["t1"]) >= start


def _ms(record: Mapping[str, Any]) -> float:
    return (float(record["t1"]) - float(record["t0"])) * 1000


def judge(
    records: Sequence[Mapping[str, Any]],
    windows: Sequence[Window],
    *,
    grace_s: float = 0.0,
    keep_succeeding: Iterable[str] = (),
    errors_allowed_in_window: bool = True,
    settle_s: float = 2.0,
    max_p95_ratio: float | None = None,
    p95_ops: Iterable[str] | None = None,
    min_requests: int = 20,
    may_fail: Iterable[str] | None = None,
    failure_statuses: Iterable[int] | None = None,
    failures_are_problems: bool = False,
    refused_during: Iterable[str] = (),
    uncounted_during: Iterable[str] = (),
    keep_succeeding_within_ms: float | None = None,
) -> dict[str, Any]:
    """The verdict on one run's load; ``ok`` is False with a reason per violation."""
    violations: list[str] = []
    measured = [r for r in records if r["op"] != "setup"]
    if len(measured) < min_requests:
        violations.append(
            f"only {len(measured)} requests were made (at least {min_requests} expected): the load did not run"
        )
    if not windows:
        violations.append("no fault window in the timeline: the fault was never injected")
    failed = [r for r in measured if not r["ok"]]
    failed_inside = [
        r for r in failed if any(_overlaps(r, w.start, w.end + grace_s) for w in windows)
    ]
    failed_outside = [
        r for r in failed if not any(_overlaps(r, w.start, w.end + grace_s) for w in windows)
    ]
    if failed_outside:
        sample = "; ".join(_describe(r) for r in failed_outside[:3])
        violations.append(
            f"{len(failed_outside)} request(s) failed outside the fault window (+{grace_s:g} s): {sample}"
        )
    if failed_inside and not errors_allowed_in_window:
        sample = "; ".join(_describe(r) for r in failed_inside[:3])
        violations.append(
            f"{len(failed_inside)} request(s) failed during a fault the load should not notice: {sample}"
        )
    _judge_failures(
        failed_inside, windows, may_fail, failure_statuses, failures_are_problems, violations
    )
    refused = _judge_refused(measured, windows, refused_during, violations)
    uncounted = _judge_uncounted(measured, windows, uncounted_during, violations)
    five_hundreds = [r for r in measured if int(r["status"]) == 500]
    if five_hundreds:
        violations.append(
            f"{len(five_hundreds)} answer(s) were 500 Internal Server Error: {_describe(five_hundreds[0])}"
        )
    during = [r for r in measured if any(_overlaps(r, w.start, w.end) for w in windows)]
    ok_during: dict[str, int] = {}
    for op in keep_succeeding:
        ok_during[op] = sum(1 for r in during if r["op"] == op and r["ok"])
        lost = sum(1 for r in during if r["op"] == op and not r["ok"])
        if ok_during[op] == 0 or lost:
            violations.append(
                f"{op}: {ok_during[op]} succeeded and {lost} failed during the fault (it should keep succeeding)"
            )
        if keep_succeeding_within_ms is None:
            continue
        took = [_ms(r) for r in during if r["op"] == op and r["ok"]]
        slow = [ms for ms in took if ms > keep_succeeding_within_ms]
        if slow:
            violations.append(
                f"{op}: {len(slow)} success(es) during the fault took over "
                f"{keep_succeeding_within_ms:g} ms (slowest {max(slow):.0f} ms): it was held up"
            )
    recovered = _recovery(measured, windows)
    for op, seconds in recovered.items():
        if seconds is None:
            violations.append(f"{op} never succeeded again after the fault was removed")
        elif grace_s and seconds > grace_s:
            violations.append(f"{op} took {seconds:.1f} s to recover (allowed {grace_s:g} s)")
    phases = _phase_durations(measured, windows, settle_s, set(p95_ops) if p95_ops else None)
    p95 = {phase: _round(percentile(values, 95)) for phase, values in phases.items()}
    ratio = None
    if max_p95_ratio is not None:
        ratio = _judge_recovery(phases, max_p95_ratio, violations)
    return {
        "ok": not violations,
        "violations": violations,
        "requests": len(measured),
        "failed": len(failed),
        "failed_in_window": len(failed_inside),
        "failed_outside_window": len(failed_outside),
        "status_500": len(five_hundreds),
        "ok_during_fault": ok_during,
        "refused_while_held": refused,
        "uncounted_while_held": uncounted,
        "enrolments": sum(1 for r in measured if r["op"] == "enrol" and r["ok"]),
        "p95_ms": p95,
        "p95_samples": {phase: len(values) for phase, values in phases.items()},
        "p95_ratio_after_to_before": ratio,
        "recovered_in_s": recovered,
        "windows": [{"fault": w.kind, "seconds": round(w.end - w.start, 2)} for w in windows],
    }


def _judge_failures(
    failed_inside: Sequence[Mapping[str, Any]],
    windows: Sequence[Window],
    may_fail: Iterable[str] | None,
    failure_statuses: Iterable[int] | None,
    problems: bool,
    violations: list[str],
) -> None:
    """How the requests that failed during the fault failed: which operations, which statuses,
    what kind of answer."""
    if may_fail is not None:
        allowed = set(may_fail)
        others = [r for r in failed_inside if r["op"] not in allowed]
        if others:
            sample = "; ".join(_describe(r) for r in others[:3])
            violations.append(
                f"{len(others)} request(s) failed during the fault that should not have (only "
                f"{', '.join(sorted(allowed))} may): {sample}"
            )
    if failure_statuses is not None:
        statuses = sorted(set(failure_statuses))
        unclear = [r for r in failed_inside if int(r["status"]) not in statuses]
        if unclear:
            sample = "; ".join(_describe(r) for r in unclear[:3])
            violations.append(
                f"{len(unclear)} request(s) failed during the fault without a "
                f"{' or '.join(map(str, statuses))} answer: {sample}"
            )
    if problems:
        answered = [r for r in failed_inside if int(r["status"])]
        vague = [
            r for r in answered if not str(r.get("type", "")).startswith("application/problem+json")
        ]
        if vague:
            sample = "; ".join(
                f"{_describe(r)} [{r.get('type') or 'no content type'}]" for r in vague[:3]
            )
            violations.append(
                f"{len(vague)} refusal(s) during the fault were not a problem document: {sample}"
            )
        no_retry = [
            r
            for r in answered
            if int(r["status"]) == 503 and "retry_after" not in r and _while_held(r, windows)
        ]
        if no_retry:
            sample = "; ".join(_describe(r) for r in no_retry[:3])
            violations.append(
                f"{len(no_retry)} 503(s) while the fault held came without Retry-After: {sample}"
            )


def _while_held(record: Mapping[str, Any], windows: Sequence[Window]) -> bool:
    """Sent after the fault was proven in place and answered before its removal began."""
    return any(
        float(record["t0"]) >= w.held_from and float(record["t1"]) <= w.held_until for w in windows
    )


def _judge_refused(
    records: Sequence[Mapping[str, Any]],
    windows: Sequence[Window],
    ops: Iterable[str],
    violations: list[str],
) -> dict[str, int]:
    """Each of ``ops`` refused every time while the fault held, and tried at least once."""
    refused: dict[str, int] = {}
    for op in ops:
        held = [r for r in records if r["op"] == op and _while_held(r, windows)]
        refused[op] = sum(1 for r in held if not r["ok"])
        let_through = len(held) - refused[op]
        if let_through:
            violations.append(
                f"{op}: {let_through} succeeded while the fault held (refused: {refused[op]})"
            )
        elif not held:
            violations.append(f"{op}: none was tried while the fault held: the load never met it")
    return refused


def _judge_uncounted(
    records: Sequence[Mapping[str, Any]],
    windows: Sequence[Window],
    ops: Iterable[str],
    violations: list[str],
) -> dict[str, int]:
    """Each of ``ops`` succeeded while the fault held, never counted by a rate limiter."""
    uncounted: dict[str, int] = {}
    for op in ops:
        held = [r for r in records if r["op"] == op and r["ok"] and _while_held(r, windows)]
        counted = [r for r in held if "ratelimit" in r]
        uncounted[op] = len(held) - len(counted)
        if counted:
            violations.append(
                f"{op}: {len(counted)} of {len(held)} successes while the fault held were "
                "counted by the rate limiter (RateLimit-Limit sent): it never lost its store"
            )
        elif not held:
            violations.append(f"{op}: no success while the fault held")
    return uncounted


def _describe(record: Mapping[str, Any]) -> str:
    error = str(record.get("error", ""))[:120]
    return f"{record['op']} -> {record['status']} {error}".strip()


def _recovery(
    records: Sequence[Mapping[str, Any]], windows: Sequence[Window]
) -> dict[str, float | None]:
    """For each operation that failed during a fault: seconds from the fault's end to its
    first success that started after the end (None: it never succeeded again). A fault that
    another one follows at once (identity hung, then killed) ends when the last of them does."""
    result: dict[str, float | None] = {}
    for window in windows:
        hit = {r["op"] for r in records if not r["ok"] and _overlaps(r, window.start, window.end)}
        over = _outage_end(window, windows)
        for op in sorted(hit):
            # a success that started before the end (say, before the fault took hold) is
            # no recovery: with it an op that never succeeded again read as recovered in 0 s
            later = [
                float(r["t1"])
                for r in records
                if r["op"] == op and r["ok"] and float(r["t0"]) >= over
            ]
            seconds = max(0.0, min(later) - over) if later else None
            previous = result.get(op, 0.0)
            result[op] = None if seconds is None or previous is None else max(previous, seconds)
    return result


def _outage_end(window: Window, windows: Sequence[Window]) -> float:
    """The end of ``window`` and of every fault that began before it or what followed it ended."""
    end = window.end
    for other in sorted(windows, key=lambda w: w.start):
        if other.start >= window.start and other.start <= end:
            end = max(end, other.end)
    return end


def _phase_durations(
    records: Sequence[Mapping[str, Any]],
    windows: Sequence[Window],
    settle_s: float,
    ops: set[str] | None,
) -> dict[str, list[float]]:
    """The successful requests' durations (ms) before, during and after the faults."""
    chosen = [r for r in records if r["ok"] and (ops is None or r["op"] in ops)]
    if not windows:
        return {"before": [_ms(r) for r in chosen], "during": [], "after": []}
    # not windows[-1].end: a fault can end after a later-starting one (nested faults)
    first, last = min(w.start for w in windows), max(w.end for w in windows)
    return {
        "before": [_ms(r) for r in chosen if float(r["t1"]) < first],
        "during": [_ms(r) for r in chosen if any(_overlaps(r, w.start, w.end) for w in windows)],
        "after": [_ms(r) for r in chosen if float(r["t0"]) > last + settle_s],
    }


def _judge_recovery(
    phases: Mapping[str, list[float]], max_ratio: float, violations: list[str]
) -> float | None:
    """Latency recovered: the p95 after the fault is within ``max_ratio`` of the one before.
    A breach must be proven (edu.common.percentiles: the 99 % bounds of both p95s), and each
    phase needs the samples a p95 needs; the point ratio is reported either way."""
    before, after = phases["before"], phases["after"]
    need = min_samples(0.95)
    if len(before) < need or len(after) < need:
        violations.append(
            f"not enough samples to compare p95 before (n={len(before)}) and after "
            f"(n={len(after)}) the fault: each needs {need}; the load did not run long enough"
        )
        return None
    p95_before, p95_after = percentile(before, 95), percentile(after, 95)
    ratio = p95_after / p95_before if p95_before and p95_after is not None else None
    proven = proven_ratio_breach(histogram_of(before), histogram_of(after), 0.95, max_ratio)
    if proven:
        violations.append(
            f"p95 after the fault is {p95_after:.0f} ms, {ratio:.2f}x the {p95_before:.0f} ms "
            f"before it (allowed {max_ratio:g}x; beyond the 99 % bounds of both)"
        )
    return ratio


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
