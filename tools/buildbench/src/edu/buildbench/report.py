"""results.json -> report.md (the tables) and chart.svg (median and range per scenario)."""

from __future__ import annotations

import statistics
from html import escape
from typing import Any

from edu.buildbench.stats import summarize

TOOL_ORDER = ("just+edu", "turbo", "nx", "moon")
COLOURS = {"just+edu": "#4c72b0", "turbo": "#dd8452", "nx": "#55a868", "moon": "#8172b3"}

# What each caches, from each tool's documentation (checked 2026-12-05 through the docs index).
CACHING = {
    "just+edu": (
        "No task-result cache: `edu affected` picks what a change reaches from the git diff and "
        "runs it again every time. The tools' own incremental caches do the rest (mypy's "
        ".mypy_cache, cargo's target, ruff's cache, uv's wheel cache). Remote: none."
    ),
    "turbo": (
        "Local: `.turbo/cache`, keyed by a hash of the declared inputs (git-tracked files of the "
        "package by default), env and dependency task hashes; stores outputs and logs, replays "
        "them on a hit. Remote: Vercel Remote Cache or any server of the open Remote Cache API "
        "(`--api`/`--token`, e.g. ducktors/turborepo-remote-cache); "
        "https://turborepo.com/docs/core-concepts/remote-caching"
    ),
    "nx": (
        "Local: `.nx/cache` (NX_CACHE_DIRECTORY), keyed by the target's inputs/namedInputs; "
        "stores outputs and terminal output. Remote: Nx Cloud, or a self-hosted server "
        "implementing Nx's OpenAPI cache spec (Nx >= 20.8); the @nx/s3-cache, gcs, azure and "
        "shared-fs packages need an activation key and were deprecated after CVE-2025-36852; "
        "https://nx.dev/docs/kb/self-hosted-caching"
    ),
    "moon": (
        "Local: `.moon/cache` (hashes, states, output archives), keyed by task inputs, deps' "
        "hashes and env. Remote: moonbase (hosted) or any Bazel Remote Execution API v2 cache "
        "over gRPC (e.g. bazel-remote), marked unstable; "
        "https://moonrepo.dev/docs/guides/remote-cache"
    ),
}


def summaries(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """scenario -> tool -> {median, low, high, runs, load, cached, failed}."""
    table: dict[str, dict[str, dict[str, Any]]] = {}
    keys = sorted({(str(r["scenario"]), str(r["tool"])) for r in records})
    for scenario, tool in keys:
        mine = [r for r in records if r["scenario"] == scenario and r["tool"] == tool]
        ok = [r for r in mine if r["exit_code"] == 0]
        summary = summarize([float(str(r["seconds"])) for r in ok])
        loads = [float(r["load_before"][0]) for r in mine]
        table.setdefault(scenario, {})[tool] = {
            "runs": summary.runs,
            "median": round(summary.median, 2),
            "low": round(summary.low, 2),
            "high": round(summary.high, 2),
            "cell": summary.cell(),
            "failed": len(mine) - len(ok),
            "load_median": round(statistics.median(loads), 2) if loads else None,
            "load_range": [min(loads), max(loads)] if loads else None,
            "cached": [r["cached"] for r in mine],
            "total": [r["total"] for r in mine],
        }
    return table


def markdown(results: dict[str, Any]) -> str:
    scenarios = results["scenarios"]
    table = results["summary"]
    config = results["config_lines"]
    agreement = results["affected_agreement"]
    n_commits = results["affected_commits"]
    lines = [
        "# Build-tool benchmark (issue 27)",
        "",
        f"Commit {results['commit']}, {results['generated']}, {results['machine']}. "
        f"Wall time of the whole run: {results['wall_seconds']} s. Every command ran under "
        "`nice -n 10` with 2 tasks at a time; the tools took turns within each round.",
        "",
        "Seconds: median [min-max] n=runs (failed runs are excluded and counted below).",
        "",
        "| tool | " + " | ".join(str(s["name"]) for s in scenarios) + " | config lines | "
        f"affected = edu ({n_commits} commits) |",
        "|---|" + "---:|" * len(scenarios) + "---:|---:|",
    ]
    for tool in TOOL_ORDER:
        cells = []
        for scenario in scenarios:
            entry = table.get(scenario["name"], {}).get(tool)
            cells.append("—" if entry is None else str(entry["cell"]))
        agree = "(reference)" if tool == "just+edu" else f"{agreement.get(tool, '—')}/{n_commits}"
        lines.append(f"| {tool} | " + " | ".join(cells) + f" | {config.get(tool)} | {agree} |")
    lines += ["", "Scenarios:", ""]
    lines += [f"- **{s['name']}**: {s['description']}" for s in scenarios]
    lines += [
        "",
        "## Every run, with the load",
        "",
        "| scenario | tool | run | s | exit | cached/total | load 1/5/15 before | started (UTC) |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    runs = results["runs"]
    for r in runs:
        load = " ".join(f"{x:.2f}" for x in r["load_before"])
        lines.append(
            f"| {r['scenario']} | {r['tool']} | {r['run']} | {r['seconds']} | {r['exit_code']} | "
            f"{r['cached']}/{r['total']} | {load} | {r['started']} |"
        )
    lines += ["", "## Affected-graph agreement with `edu affected`", ""]
    lines += [
        "| commit | files | edu | turbo | nx | moon | subject |",
        "|---|---:|---:|---|---|---|---|",
    ]
    comparisons = results["affected"]
    for c in comparisons:
        cells = []
        for tool in ("turbo", "nx", "moon"):
            if c["agrees"][tool]:
                cells.append("=")
            else:
                cells.append(f"+{len(c['extra'][tool])} -{len(c['missing'][tool])}")
        lines.append(
            f"| {c['commit']} | {len(c['files'])} | {len(c['edu'])} | "
            + " | ".join(cells)
            + f" | {escape(str(c['subject'])[:70])} |"
        )
    lines += [
        "",
        "`+a -b`: the tool selects a projects edu does not, and misses b that edu selects.",
        "",
    ]
    lines += ["## What each caches", ""]
    lines += [f"- **{tool}**: {CACHING[tool]}" for tool in TOOL_ORDER]
    lines += ["", "## Pants, Bazel, Buck2: installability evidence", ""]
    evidence = results["evidence"]
    for e in evidence:
        lines += [
            f"**{e['tool']}** — {e['checks']}: `{e['command']}` (exit {e['exit_code']})",
            "",
            "```",
            str(e["output"]) or "(no output)",
            "```",
            "",
        ]
    skipped = results.get("skipped") or []
    if skipped:
        lines += ["## Not run (budget)", "", *[f"- {s}" for s in skipped]]
    return "\n".join(lines) + "\n"


def svg_chart(results: dict[str, Any]) -> str:
    """One panel per scenario: a bar per tool at its median, a whisker from min to max."""
    scenarios = results["scenarios"]
    table = results["summary"]
    panel_w, panel_h, bar_h, left = 520, 34 + 26 * len(TOOL_ORDER), 16, 90
    height = 40 + panel_h * len(scenarios) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{panel_w + 40}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="20" y="24" font-size="15" font-weight="bold">Seconds per scenario '
        "(bar: median, line: min-max; 2 cores, nice 10)</text>",
    ]
    for index, scenario in enumerate(scenarios):
        name = str(scenario["name"])
        top = 40 + index * panel_h
        entries = table.get(name, {})
        peak = max([float(e["high"]) for e in entries.values()] + [1.0])
        scale = (panel_w - left - 70) / peak
        out.append(f'<text x="20" y="{top + 16}" font-weight="bold">{escape(name)}</text>')
        for row, tool in enumerate(TOOL_ORDER):
            y = top + 24 + row * 26
            out.append(f'<text x="20" y="{y + 12}">{escape(tool)}</text>')
            entry = entries.get(tool)
            if entry is None or not entry["runs"]:
                out.append(f'<text x="{left}" y="{y + 12}" fill="#888">not measured</text>')
                continue
            median, low, high = (float(entry[k]) for k in ("median", "low", "high"))
            width = max(1.0, median * scale)
            out.append(
                f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar_h}" '
                f'fill="{COLOURS[tool]}"/>'
            )
            mid = y + bar_h / 2
            out.append(
                f'<line x1="{left + low * scale:.1f}" y1="{mid}" x2="{left + high * scale:.1f}" '
                f'y2="{mid}" stroke="black" stroke-width="1.5"/>'
            )
            out.append(
                f'<text x="{left + max(width, high * scale) + 6:.1f}" y="{y + 12}">'
                f"{median:.1f} s (n={entry['runs']})</text>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"
