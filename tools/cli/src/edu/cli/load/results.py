"""Where `edu load` writes (.edu/results/load/<profile>/) and what it leaves there besides
Locust's CSV and HTML: the SLO table (with the learning events' end-to-end check under it) and a
JSON summary CI can read."""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from dataclasses import asdict
from pathlib import Path

from edu.cli.load.learning import FoldCheck
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


def fresh_folder_now(folder: Path) -> threading.Thread:
    """``folder`` empty at once: what an earlier run left there (a stack's PostgreSQL data,
    ~2,000 files: ~5 s to delete on our disks, out of the load layer's 90 s) is renamed aside
    and deleted by a thread while the run goes on. The thread is not a daemon: the interpreter
    waits for it at exit, and the caller may join it."""
    aside = folder.parent / f".{folder.name}-discarded-{uuid.uuid4().hex[:8]}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        folder.rename(aside)
    folder.mkdir()
    # also what a run killed before its thread finished left aside
    leftovers = sorted(folder.parent.glob(f".{folder.name}-discarded-*"))

    def delete() -> None:
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)

    deleting = threading.Thread(target=delete, name=f"delete old {folder.name}")
    deleting.start()
    return deleting


def write_slo_report(
    folder: Path, profile: str, report: SloReport, learning: FoldCheck | None = None
) -> str:
    table = render(report)
    if learning is not None:
        table += "\n" + learning.render()
    (folder / "slo.txt").write_text(table + "\n")
    summary = {
        "profile": profile,
        "ok": report.ok and (learning is None or learning.ok),
        "total_rps": report.total_rps,
        "min_rps": report.min_rps,
        "endpoints": [{**asdict(v), "ok": v.ok, "slo": asdict(v.slo)} for v in report.verdicts],
    }
    if learning is not None:
        summary["learning_events"] = {**asdict(learning), "lost": learning.lost, "ok": learning.ok}
    (folder / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return table


def checks_line(report: SloReport, learning: FoldCheck | None = None) -> str:
    """The closing line CI reads: each endpoint's SLO, the throughput floor and (when the run
    sent learning events) their end-to-end check are one check each."""
    checks = [v.ok for v in report.verdicts] + [report.throughput_ok]
    if learning is not None:
        checks.append(learning.ok)
    failed = checks.count(False)
    passed = len(checks) - failed
    return f"slo checks: {passed} passed, {failed} failed"
