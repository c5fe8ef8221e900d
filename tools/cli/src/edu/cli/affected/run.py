"""Runs the selected layers through the same runner as ``edu test``: same budgets, results.

Pytest layers get only the affected test folders, a network suite that maps the deployables
it drives to tests only those tests' ``-k`` expression (and the extra pytest arguments, such as
pytest-split's ``--splits N --group K``); gates that take member folders get those; the other
gates run whole, as they are cheap.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from edu.cli.affected.selection import LayerPick
from edu.cli.results import LayerResult
from edu.cli.runner import LayerRunner
from edu.cli.table import render_table

SHARD_OPTION = "--group"


def run_picks(
    picks: Sequence[LayerPick],
    runner: LayerRunner,
    extra: Sequence[str],
    say: Callable[[str], None],
) -> list[LayerResult]:
    outcomes: list[LayerResult] = []
    sharded = SHARD_OPTION in extra
    for pick in picks:
        layer = pick.layer
        say(f"\n=== {layer.name}: {layer.description} ({pick.reason})")
        if layer.kind == "pytest":
            restricted = layer if pick.whole else dataclasses.replace(layer, paths=pick.targets)
            keyword = ["-k", pick.keyword] if pick.keyword else []
            result = runner.run(restricted, extra=[*keyword, *extra])
            if sharded and result.status == "no-tests":
                # pytest-split hands out whole tests: a small selection leaves some shards empty.
                say(f"--- {layer.name}: this shard got none of the selected tests")
                continue
        else:
            result = runner.run(layer, extra=pick.targets)
        outcomes.append(result)
        say(
            f"--- {layer.name}: {result.status} in {result.duration_seconds:.1f} s "
            f"of {result.budget_seconds:g} s {result.message}"
        )
    return outcomes


def finish(outcomes: Sequence[LayerResult], results_dir: Path, say: Callable[[str], None]) -> bool:
    """Print the time table (and, on GitHub Actions, annotations and a job summary)."""
    if not outcomes:
        say("no selected layer to run")
        return True
    table = render_table(list(outcomes))
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "last-run.txt").write_text(table + "\n")
    say("\n" + table)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for result in outcomes:
            if result.status == "warning":
                say(f"::warning title={result.layer} near its budget::{result.message}")
            elif not result.ok:
                say(f"::error title={result.layer} {result.status}::{result.message}")
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with Path(summary).open("a") as fh:
                fh.write(f"```\n{table}\n```\n")
    return all(result.ok for result in outcomes)
