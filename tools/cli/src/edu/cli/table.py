"""The per-layer time table printed at the end of every run.

Beside each layer's wall time: the CPU time of its process tree and the machine's one-minute
load average at its start and end, so a slow layer reads at once as slower code (more CPU) or
a busy machine (high load, the same CPU).
"""

from __future__ import annotations

from collections.abc import Sequence

from edu.cli.results import LayerResult, LayerStatus

_MARKS = {
    LayerStatus.PASSED: "ok",
    LayerStatus.WARNING: "WARN",
    LayerStatus.FAILED: "FAIL",
    LayerStatus.OVER_BUDGET: "OVER",
    LayerStatus.NO_TESTS: "EMPTY",
}


def render_table(results: Sequence[LayerResult]) -> str:
    header = ("layer", "result", "time", "budget", "used", "goal", "cpu", "load", "tests")
    rows = [header]
    for r in results:
        tests = f"{r.counts.passed}/{r.counts.total}" if r.counts.total else "-"
        goal = f"{r.goal_seconds:g} s" if r.goal_seconds else "-"
        cpu = f"{r.cpu_seconds:.1f} s" if r.cpu_seconds is not None else "-"
        load = (
            f"{r.load_start:.1f}>{r.load_end:.1f}"
            if r.load_start is not None and r.load_end is not None
            else "-"
        )
        rows.append(
            (
                r.layer,
                _MARKS.get(LayerStatus(r.status), r.status),
                f"{r.duration_seconds:.1f} s",
                f"{r.budget_seconds:g} s",
                f"{r.budget_fraction:.0%}",
                goal,
                cpu,
                load,
                tests,
            )
        )
    total = sum(r.duration_seconds for r in results)
    cpu_total = sum(r.cpu_seconds or 0.0 for r in results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    failed = [r.layer for r in results if not r.ok]
    verdict = f"{len(results) - len(failed)} passed, {len(failed)} failed"
    lines.append(f"total {total:.1f} s (CPU {cpu_total:.1f} s); layers: {verdict}")
    passed = sum(r.counts.passed for r in results)
    not_passed = sum(r.counts.failures + r.counts.errors for r in results)
    not_passed += sum(1 for r in results if not r.ok and not r.counts.failures + r.counts.errors)
    lines.append(f"tests: {passed} passed, {not_passed} failed")
    # Green is not the whole story: a flip is flaky even when its rerun passed (ADR 0017).
    lines += [
        f"FLAKY {r.layer} {t}: failed, then passed on rerun" for r in results for t in r.flaky_tests
    ]
    lines += [
        f"QUARANTINED {r.layer} {t}: failed (tests/quarantine.toml forgives it)"
        for r in results
        for t in r.quarantined_failures
    ]
    return "\n".join(lines)
