"""``edu flake-hunt`` and ``edu quarantine``: find flaky tests, and keep the quarantine honest."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.flaky import hunt, quarantine
from edu.cli.flaky.history import flip_rate as history_flip_rate
from edu.cli.flaky.history import read_records
from edu.cli.passthrough import passthrough_args
from edu.cli.processes import TeeProcessRunner
from edu.cli.registry import RegistryError, load_registry
from edu.cli.runner import LayerRunner
from edu.cli.workspace import REGISTRY_FILE, WorkspaceError, find_root
from edu.common.clock import SystemClock


def _root() -> Path:
    try:
        return find_root()
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def _results_dir(root: Path) -> Path:
    """Where ``edu test`` writes too (``edu.cli.app.results_dir``, which imports us)."""
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return Path(configured) if configured else root / ".edu" / "results"


def flake_hunt_command(
    ctx: typer.Context,
    runs: Annotated[int, typer.Option(min=1, help="How many times each layer runs.")] = (
        hunt.DEFAULT_RUNS
    ),
    integration: Annotated[
        bool, typer.Option("--integration", help="Hunt in the integration layer too.")
    ] = False,
    seed: Annotated[
        int | None, typer.Option(help="The first run's order seed (default: from the clock).")
    ] = None,
) -> None:
    """Run the PR set's fast layers N times in random order with -n 0/2; list the flips.

    Arguments after `--` go to pytest (e.g. a path: `edu flake-hunt -- services/py/course`).
    """
    root = _root()
    try:
        registry = load_registry(root / REGISTRY_FILE)
        layers = [registry.get(name) for name in hunt.DEFAULT_LAYERS]
        if integration:
            layers.append(registry.get("integration"))
    except RegistryError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    results = _results_dir(root)
    first_seed = seed if seed is not None else int(time.time()) % 1_000_000
    stamp = uuid.uuid4().hex[:8]
    extra = passthrough_args(ctx)
    done: list[hunt.HuntRun] = []
    for number, (run_seed, workers) in enumerate(hunt.plan(runs, first_seed), start=1):
        run_id = f"hunt-{stamp}-{number}"
        for layer in layers:
            runner = LayerRunner(
                root=root,
                results_dir=results / "flake-hunt",
                processes=TeeProcessRunner(echo=False),
                reruns=0,
                test_history=results / "history.jsonl",
                run_id=run_id,
                quarantined=frozenset(),
            )
            typer.echo(f"run {number}/{runs}: {layer.name}, seed {run_seed}, -n {workers}")
            result = runner.run(layer, extra=[*hunt.run_arguments(run_seed, workers), *extra])
            done.append(
                hunt.HuntRun(
                    number,
                    layer.name,
                    run_id,
                    workers,
                    run_seed,
                    result.duration_seconds,
                    result.counts.total,
                    result.counts.failures + result.counts.errors,
                )
            )
    run_ids = list(dict.fromkeys(r.run_id for r in done))
    found = hunt.findings(read_records(results / "history.jsonl"), run_ids)
    today = SystemClock().now().date()
    try:
        quarantined = quarantine.active(quarantine.load(root), today)
    except quarantine.QuarantineError:
        quarantined = set()
    table = hunt.render(done, found, quarantined)
    (results / "flake-hunt").mkdir(parents=True, exist_ok=True)
    (results / "flake-hunt" / "hunt.txt").write_text(table + "\n")
    (results / "flake-hunt" / "hunt.json").write_text(
        json.dumps(
            {
                "runs": len(run_ids),
                "tests": found.tests,
                "flaky": [f.test_id for f in found.flaky],
                "always_failed": found.always_failed,
                "seconds": round(sum(r.seconds for r in done), 1),
                "first_seed": first_seed,
            },
            indent=2,
        )
        + "\n"
    )
    typer.echo("\n" + table)
    if not hunt.verdict(found, quarantined):
        raise typer.Exit(1)


def quarantine_command(
    today: Annotated[
        str | None, typer.Option(help="Judge expiry on this date (YYYY-MM-DD) instead of today.")
    ] = None,
) -> None:
    """Check tests/quarantine.toml (expiry, owners from CODEOWNERS) and list each entry's flip rate."""
    root = _root()
    day = date.fromisoformat(today) if today else SystemClock().now().date()
    problems = quarantine.check(root, day)
    try:
        entries = quarantine.load(root)
    except quarantine.QuarantineError:
        entries = []
    records = read_records(_results_dir(root) / "history.jsonl")
    if not entries:
        typer.echo(f"{quarantine.QUARANTINE_FILE}: no test is quarantined")
    for entry in entries:
        results, rate = history_flip_rate(records, entry.test)
        typer.echo(
            f"{entry.test}  owner {entry.owner}  until {entry.expires.isoformat()}  "
            f"flip rate {rate:.0%} over {results} results  ({entry.reason})"
        )
    for problem in problems:
        typer.secho(problem, fg="red", err=True)
    if problems:
        raise typer.Exit(1)
