"""The report as one self-contained HTML page (inline SVG charts, no scripts, no network)."""

from __future__ import annotations

from html import escape

from edu.cli.mutation.results import percent
from edu.cli.registry import WARN_FRACTION
from edu.cli.report.health import Health, Run

_COLORS = {
    "passed": "#2e7d32",
    "warning": "#f9a825",
    "failed": "#c62828",
    "over-budget": "#c62828",
    "no-tests": "#6a1b9a",
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
h1{margin-bottom:.2rem} table{border-collapse:collapse;margin:1rem 0}
td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;font-size:.9rem}
.num{text-align:right;font-variant-numeric:tabular-nums} .muted{color:#666}
svg text{font-size:11px;font-family:system-ui,sans-serif}
pre{background:#f6f6f6;padding:.4rem .6rem;font-size:.8rem;overflow-x:auto}
.under{color:#c62828;font-weight:600}
"""


def _budget_chart(latest: list[Run]) -> str:
    width, bar_h, gap, label_w = 640, 18, 8, 110
    scale = (width - label_w - 60) / max([1.0, *(r.fraction for r in latest)])
    height = len(latest) * (bar_h + gap) + 24
    parts = [
        f'<svg role="img" aria-label="Layer time against budget" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    budget_x = label_w + scale
    for i, run in enumerate(latest):
        y = i * (bar_h + gap) + 4
        bar_w = max(1.0, run.fraction * scale)
        color = _COLORS.get(run.status, "#555")
        parts.append(f'<text x="0" y="{y + 13}">{escape(run.layer)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{bar_w:.1f}" height="{bar_h}" '
            f'fill="{color}"><title>{run.duration_seconds:.1f} s of '
            f"{run.budget_seconds:g} s</title></rect>"
        )
        parts.append(
            f'<text x="{label_w + bar_w + 4:.1f}" y="{y + 13}">'
            f"{run.duration_seconds:.1f} s / {run.budget_seconds:g} s "
            f"({run.fraction:.0%})</text>"
        )
    bottom = height - 18
    parts.append(
        f'<line x1="{budget_x:.1f}" x2="{budget_x:.1f}" y1="0" y2="{bottom}" '
        'stroke="#c62828" stroke-dasharray="4 3"/>'
    )
    warn_x = label_w + WARN_FRACTION * scale
    parts.append(
        f'<line x1="{warn_x:.1f}" x2="{warn_x:.1f}" y1="0" y2="{bottom}" '
        'stroke="#f9a825" stroke-dasharray="2 3"/>'
    )
    parts.append(f'<text x="{budget_x - 20:.1f}" y="{height - 4}">budget</text>')
    parts.append(f'<text x="{warn_x - 10:.1f}" y="{height - 4}">{WARN_FRACTION:.0%}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _sparkline(runs: list[Run]) -> str:
    width, height = 220, 36
    peak = max([r.budget_seconds for r in runs] + [r.duration_seconds for r in runs])
    step = width / max(1, len(runs) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (r.duration_seconds / peak) * (height - 4):.1f}"
        for i, r in enumerate(runs)
    )
    budget_y = height - 2 - (runs[-1].budget_seconds / peak) * (height - 4)
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="trend">'
        f'<line x1="0" x2="{width}" y1="{budget_y:.1f}" y2="{budget_y:.1f}" '
        'stroke="#c62828" stroke-dasharray="3 3"/>'
        f'<polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="{points}"/>'
        "</svg>"
    )


def _machine_table(latest: list[Run]) -> str:
    """Wall time beside CPU time and load: slower code, or a busy machine?"""
    rows = [
        "<table><tr><th>layer</th><th class=num>wall s</th><th class=num>CPU s</th>"
        "<th class=num>CPU / wall</th><th class=num>load at start</th>"
        "<th class=num>load at end</th></tr>"
    ]
    for run in latest:
        cpu = "-" if run.cpu_seconds is None else f"{run.cpu_seconds:.1f}"
        ratio = (
            "-"
            if run.cpu_seconds is None or not run.duration_seconds
            else (f"{run.cpu_seconds / run.duration_seconds:.2f}")
        )
        loads = ["-" if v is None else f"{v:.2f}" for v in (run.load_start, run.load_end)]
        rows.append(
            f"<tr><td>{escape(run.layer)}</td><td class=num>{run.duration_seconds:.1f}</td>"
            f"<td class=num>{cpu}</td><td class=num>{ratio}</td>"
            f"<td class=num>{loads[0]}</td><td class=num>{loads[1]}</td></tr>"
        )
    return "".join(rows) + "</table>"


def render(health: Health, generated_at: str) -> str:
    out = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>eduplatform test "
        f"health</title><style>{_STYLE}</style></head><body><h1>Test health</h1>"
        f'<p class="muted">generated {escape(generated_at)} from .edu/results</p>'
    ]
    if not health.latest:
        out.append("<p>No layer has run yet: run <code>edu test --trigger pr</code>.</p>")
        return "".join(out) + _mutation_section(health) + "</body></html>"
    out.append("<h2>Latest run of each layer against its budget</h2>")
    out.append(_budget_chart(health.latest))
    out.append(_machine_table(health.latest))
    out.append(
        "<h2>Trend</h2><table><tr><th>layer</th><th>runs</th><th>last</th>"
        "<th>duration over recent runs (dashed: budget)</th></tr>"
    )
    for layer, runs in sorted(health.trends.items()):
        out.append(
            f"<tr><td>{escape(layer)}</td><td class=num>{len(runs)}</td>"
            f"<td>{escape(runs[-1].status)}</td><td>{_sparkline(runs)}</td></tr>"
        )
    out.append(
        "</table><h2>Slowest tests</h2><table><tr><th>layer</th><th>test</th>"
        "<th class=num>seconds</th></tr>"
    )
    for layer, case in health.slowest:
        out.append(
            f"<tr><td>{escape(layer)}</td><td>{escape(case.test_id)}</td>"
            f"<td class=num>{case.seconds:.3f}</td></tr>"
        )
    out.append("</table><h2>Flaky candidates</h2>")
    out.append(
        '<p class="muted">Tests that both passed and failed on the same code (a rerun that '
        "turned green, or a flake-hunt run that differed), from each test's history.</p>"
    )
    if not health.flaky:
        out.append("<p>None: no test both passed and failed on the same code.</p>")
    else:
        out.append(
            "<table><tr><th>layer</th><th>test</th><th class=num>results</th>"
            "<th class=num>flip rate</th><th>last flip</th></tr>"
        )
        for f in health.flaky:
            out.append(
                f"<tr><td>{escape(f.layer)}</td><td>{escape(f.test_id)}</td>"
                f"<td class=num>{f.results}</td><td class=num>{f.flip_rate:.0%}</td>"
                f"<td>{escape(f.last_flip)}</td></tr>"
            )
        out.append("</table>")
    out.append("<h2>Quarantined tests</h2>")
    if not health.quarantined:
        out.append("<p>None: tests/quarantine.toml lists no test.</p>")
    else:
        out.append(
            "<table><tr><th>test</th><th>owner</th><th>reason</th><th>since</th>"
            "<th>expires</th><th class=num>results</th><th class=num>flip rate</th></tr>"
        )
        for q in health.quarantined:
            expires = escape(q.entry.expires.isoformat()) + (" (EXPIRED)" if q.expired else "")
            out.append(
                f"<tr><td>{escape(q.entry.test)}</td><td>{escape(q.entry.owner)}</td>"
                f"<td>{escape(q.entry.reason)}</td><td>{q.entry.since.isoformat()}</td>"
                f"<td>{expires}</td><td class=num>{q.results}</td>"
                f"<td class=num>{q.flip_rate:.0%}</td></tr>"
            )
        out.append("</table>")
    return "".join(out) + _mutation_section(health) + "</body></html>"


def _mutation_section(health: Health) -> str:
    """Each package's mutation score against its floor, and the mutants no test detected."""
    out = [
        "<h2>Mutation</h2>",
        '<p class="muted">Mutants of each service\'s domain and service_layer packages against '
        "the member's unit tests (<code>edu mutation</code>, ADR 0020): score = killed or timed "
        "out / judged; a package under its floor fails <code>edu mutation --gate</code>.</p>",
    ]
    if not health.mutation:
        out.append("<p>No mutation run yet: run <code>edu mutation</code>.</p>")
        return "".join(out)
    out.append(
        "<table><tr><th>package</th><th>scope</th><th class=num>mutants</th>"
        "<th class=num>killed</th><th class=num>timeout</th><th class=num>survived</th>"
        "<th class=num>no tests</th><th class=num>score</th><th class=num>floor</th>"
        "<th class=num>run s</th><th>when</th></tr>"
    )
    for r in health.mutation:
        floor = health.mutation_floors.get(r.package)
        under = floor is not None and r.score is not None and r.score * 100 < floor - 1e-9
        score = f'<span class="under">{percent(r.score)}</span>' if under else percent(r.score)
        scope = r.scope if r.changed_since is None else f"{r.scope} since {r.changed_since}"
        out.append(
            f"<tr><td>{escape(r.package)}</td><td>{escape(scope)}</td>"
            f"<td class=num>{r.total}</td><td class=num>{r.killed}</td>"
            f"<td class=num>{r.timeout}</td><td class=num>{r.survived}</td>"
            f"<td class=num>{r.no_tests}</td><td class=num>{score}</td>"
            f"<td class=num>{'-' if floor is None else f'{floor:g} %'}</td>"
            f"<td class=num>{r.seconds:.1f}</td><td>{escape(r.started_at)}</td></tr>"
        )
    out.append("</table><h3>Surviving mutants</h3>")
    survivors = [(r, m) for r in health.mutation for m in r.survivors]
    if not survivors:
        out.append("<p>None: the tests detected every mutant.</p>")
        return "".join(out)
    for r in health.mutation:
        if not r.survivors:
            continue
        out.append(
            f"<details><summary>{escape(r.package)}: {len(r.survivors)} undetected</summary>"
        )
        for m in r.survivors:
            out.append(
                f"<p><code>{escape(m.file)}:{m.line}</code> {escape(m.function)} "
                f'<span class="muted">({escape(m.status)}, {escape(m.id)})</span></p>'
                f"<pre>{escape(m.diff)}</pre>"
            )
        out.append("</details>")
    return "".join(out)
