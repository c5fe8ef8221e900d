"""Every experiment under chaos/experiments, run by chaostoolkit against the session's stack.

An experiment passes when chaostoolkit completed it without deviation, every method step and
rollback succeeded, and the after-hypothesis counted lost = 0 and duplicated = 0 over a load
that really ran. The figures go to summaries/<experiment>.json and the end-of-run table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from edu.chaos.journal import passed, summarize
from edu.chaos.target import RUN_DIR_VARIABLE, STACK_VARIABLE, Target
from edu.cli.workspace import find_root

EXPERIMENTS = sorted((find_root() / "chaos" / "experiments").glob("*.json"))


def test_there_are_experiments() -> None:
    assert len(EXPERIMENTS) >= 4, EXPERIMENTS


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda path: path.stem)
def test_experiment(experiment: Path, chaos_target: Target, results: Path) -> None:
    journal_path = results / "journals" / f"{experiment.stem}.json"
    journal_path.parent.mkdir(parents=True, exist_ok=True)
    run = results / "runs" / experiment.stem
    run.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, STACK_VARIABLE: str(chaos_target.path), RUN_DIR_VARIABLE: str(run)}
    chaos = Path(sys.executable).parent / "chaos"
    done = subprocess.run(
        [
            str(chaos),
            "--no-version-check",
            "--log-file",
            str(run / "chaostoolkit.log"),
            "run",
            "--journal-path",
            str(journal_path),
            "--rollback-strategy",
            "always",
            str(experiment),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert journal_path.is_file(), f"no journal:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    summary = summarize(json.loads(journal_path.read_text()))
    summaries = results / "summaries"
    summaries.mkdir(exist_ok=True)
    (summaries / f"{experiment.stem}.json").write_text(json.dumps(summary, indent=2))
    detail = json.dumps(summary, indent=2) + "\n" + done.stdout[-4000:]
    assert done.returncode == 0, f"chaos run exited {done.returncode}:\n{detail}"
    assert passed(summary), detail
