"""``python -m edu.buildbench run``: the whole benchmark, one command (issue 27, ADR 0023).

Writes .edu/results/buildbench/{results.json,report.md,chart.svg} under the checkout. The
measurement tree, its cargo target, uv cache and the npm tools live in
~/.cache/eduplatform/buildbench (``--home``); the checkout is only read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from edu.buildbench import affected, evidence, report, scenarios, tree
from edu.buildbench.configs import TOOLS, config_lines
from edu.buildbench.runner import Layout, RunRecord, ensure_tools, run_tool
from edu.buildbench.schedule import plan_rounds, rotate

DEFAULT_HOME = Path.home() / ".cache" / "eduplatform" / "buildbench"


def checkout_root() -> Path:
    out = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip())


def tool_versions(layout: Layout) -> dict[str, str]:
    versions = {}
    for tool, argv in (("turbo", ["turbo", "--version"]), ("moon", ["moon", "--version"])):
        versions[tool] = _first_line([str(layout.node_bin / argv[0]), *argv[1:]])
    nx_json = layout.home / "node" / "node_modules" / "nx" / "package.json"
    versions["nx"] = json.loads(nx_json.read_text())["version"] if nx_json.exists() else "?"
    versions["cargo"] = _first_line(["cargo", "--version"])
    versions["uv"] = _first_line(["uv", "--version"])
    return versions


def _first_line(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr else "?"
    )


def measure(
    layout: Layout,
    projects: list[tree.Project],
    runs: int,
    deadline: float,
    names: list[str],
) -> tuple[list[RunRecord], list[str]]:
    records: list[RunRecord] = []
    skipped: list[str] = []
    spent: dict[str, float] = {}
    for round_index, (scenario, run) in enumerate(plan_rounds(names, runs)):
        estimate = spent.get(scenario.name, 900.0 if scenario.cold else 240.0)
        if time.time() + estimate > deadline:
            skipped.append(f"{scenario.name} run {run}: would end after the deadline")
            continue
        began = time.time()
        for tool in rotate(list(TOOLS), round_index):
            if scenario.cold:
                tree.empty_caches(layout, projects, tool)
            scenarios.apply_change(layout.tree, scenario, f"{scenario.name}-{run}-{tool}")
            timeout = 1800.0 if scenario.cold else 900.0
            records.append(
                run_tool(
                    tool, scenario.name, run, layout, everything=scenario.cold, timeout=timeout
                )
            )
        tree.reset_tree(layout)
        spent[scenario.name] = time.time() - began
    return records, skipped


def existing_edu_lines(root: Path) -> int:
    files = [root / "layers.toml", *(root / "tools/cli/src/edu/cli/affected").glob("*.py")]
    return sum(len(f.read_text().splitlines()) for f in files if f.is_file())


def run(args: argparse.Namespace) -> int:
    started = time.time()
    deadline = started + args.budget_minutes * 60
    root = checkout_root()
    layout = Layout(Path(args.home))
    out_dir = root / ".edu" / "results" / "buildbench"
    out_dir.mkdir(parents=True, exist_ok=True)
    print("installing the compared tools (pinned) ...", file=sys.stderr, flush=True)
    ensure_tools(layout)
    print("preparing the measurement tree ...", file=sys.stderr, flush=True)
    projects, rendered = tree.prepare(layout, root, args.deselect)
    head = tree.git(root, "rev-parse", "HEAD").strip()
    found = [] if args.skip_evidence else evidence.collect(layout.home)
    comparisons = (
        [] if args.commits == 0 else affected.compare_history(layout, head, projects, args.commits)
    )
    names = args.scenarios or [s.name for s in scenarios.SCENARIOS]
    records, skipped = measure(layout, projects, args.runs, deadline, names)
    tree.reset_tree(layout)
    record_dicts = [r.to_json() for r in records]
    results: dict[str, object] = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": head[:12],
        "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "versions": tool_versions(layout),
        "wall_seconds": round(time.time() - started, 1),
        "config_lines": {tool: config_lines(files) for tool, files in rendered.items()},
        "config_files": {tool: sorted(files) for tool, files in rendered.items()},
        "edu_existing_lines": existing_edu_lines(root),
        "scenarios": [
            {"name": s.name, "description": s.description}
            for s in scenarios.SCENARIOS
            if s.name in names
        ],
        "runs": record_dicts,
        "summary": report.summaries(record_dicts),
        "affected": [c.to_json() for c in comparisons],
        "affected_commits": len(comparisons),
        "affected_agreement": affected.agreement_counts(comparisons),
        "evidence": evidence.to_json(found),
        "skipped": skipped,
        "deselected": args.deselect,
        "budget_minutes": args.budget_minutes,
    }
    write_outputs(out_dir, results)
    print(f"wrote {out_dir}/results.json, report.md, chart.svg", file=sys.stderr)
    return 0 if all(r.exit_code == 0 for r in records) else 1


def write_outputs(out_dir: Path, results: dict[str, object]) -> None:
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out_dir / "report.md").write_text(report.markdown(results))
    (out_dir / "chart.svg").write_text(report.svg_chart(results))


def rerender(args: argparse.Namespace) -> int:
    out_dir = checkout_root() / ".edu" / "results" / "buildbench"
    results = json.loads((out_dir / "results.json").read_text())
    results["summary"] = report.summaries(results["runs"])
    write_outputs(out_dir, results)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edu.buildbench")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="prepare the tree, measure, write the report")
    run_parser.add_argument("--home", default=str(DEFAULT_HOME))
    run_parser.add_argument("--runs", type=int, default=3, help="rounds of each warm scenario")
    run_parser.add_argument("--commits", type=int, default=20, help="history for affected")
    run_parser.add_argument("--budget-minutes", type=float, default=45.0)
    run_parser.add_argument("--scenarios", nargs="*", help="a subset, by name")
    run_parser.add_argument("--skip-evidence", action="store_true")
    run_parser.add_argument(
        "--deselect",
        action="append",
        default=[],
        help="a unit test red on the measured commit (pytest node id), left out of every run",
    )
    sub.add_parser("report", help="re-render report.md and chart.svg from results.json")
    args = parser.parse_args(argv)
    return run(args) if args.command == "run" else rerender(args)


if __name__ == "__main__":
    raise SystemExit(main())
