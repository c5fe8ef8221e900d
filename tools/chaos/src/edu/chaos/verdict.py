"""Judging the background load against the faults: pure functions over the recorded requests.

A request belongs to a fault when it was in flight at any moment between the fault's
injection and its removal plus ``grace_s`` (the time the platform may take to recover). The
report says how many requests failed inside and outside those windows, whether any answer
was a 500 (never acceptable: an outage is a 503 with a problem document), which operations
kept succeeding during the fault, the p95 before, during and after, and how long after the
fault's removal each operation that failed during it first succeeded again.
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
        "enrolments": sum(1 for r in measured if r["op"] == "enrol" and r["ok"]),
        "p95_ms": p95,
        "p95_samples": {phase: len(values) for phase, values in phases.items()},
        "p95_ratio_after_to_before": ratio,
        "recovered_in_s": recovered,
        "windows": [{"fault": w.kind, "seconds": round(w.end - w.start, 2)} for w in windows],
    }


def _describe(record: Mapping[str, Any]) -> str:
    error = str(record.get("error", ""))[:120]
    return f"{record['op']} -> {record['status']} {error}".strip()


def _recovery(
    records: Sequence[Mapping[str, Any]], windows: Sequence[Window]
) -> dict[str, float | None]:
    """For each operation that failed during a fault: seconds from the fault's end to its
    first success that started after the end (None: it never succeeded again)."""
    result: dict[str, float | None] = {}
    for window in windows:
        hit = {r["op"] for r in records if not r["ok"] and _overlaps(r, window.start, window.end)}
        for op in sorted(hit):
            # a success that started before the end (say, before the fault took hold) is
            # no recovery: with it an op that never succeeded again read as recovered in 0 s
            later = [
                float(r["t1"])
                for r in records
                if r["op"] == op and r["ok"] and float(r["t0"]) >= window.end
            ]
            seconds = max(0.0, min(later) - window.end) if later else None
            previous = result.get(op, 0.0)
            result[op] = None if seconds is None or previous is None else max(previous, seconds)
    return result


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
