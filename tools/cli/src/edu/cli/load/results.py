"""Where `edu load` writes (.edu/results/load/<profile>/) and what it leaves there besides
Locust's CSV and HTML: the SLO table and a JSON summary CI can read."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

from edu.cli.load.verdict import SloReport, render


def results_root(root: Path) -> Path:
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return (Path(configured) if configured else root / ".edu" / "results") / "load"


def fresh_folder(folder: Path) -> Path:
    """An empty folder: results of an earlier run of the same profile never mix in."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def write_slo_report(folder: Path, profile: str, report: SloReport) -> str:
    table = render(report)
    (folder / "slo.txt").write_text(table + "\n")
    summary = {
        "profile": profile,
        "ok": report.ok,
        "total_rps": report.total_rps,
        "min_rps": report.min_rps,
        "endpoints": [{**asdict(v), "ok": v.ok, "slo": asdict(v.slo)} for v in report.verdicts],
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return table


def checks_line(report: SloReport) -> str:
    """The closing line CI reads: each endpoint's SLO and the throughput floor is one check."""
    failed = sum(not v.ok for v in report.verdicts) + (not report.throughput_ok)
    passed = len(report.verdicts) + 1 - failed
    return f"slo checks: {passed} passed, {failed} failed"
