"""``edu selection-audit``: does ``edu affected`` ever skip a layer that would have failed?"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.audit.faults import FAULTS_FILE, FaultError, check_plantable, load_faults
from edu.cli.audit.replay import (
    Worktree,
    audit_environment,
    default_tree,
    layer_runner,
    replay,
    selection_of,
)
from edu.cli.audit.verdict import Outcome, Replay, confirm_miss, render, summary, table
from edu.cli.registry import RegistryError, load_registry
from edu.cli.workspace import REGISTRY_FILE, WorkspaceError, find_root


def _results(root: Path) -> Path:
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return (Path(configured) if configured else root / ".edu" / "results") / "selection-audit"


def selection_audit_command(
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Replay only these fault ids.")
    ] = None,
    full_check: Annotated[
        bool,
        typer.Option(
            "--full-check/--no-full-check",
            help="When the selection passes, run the whole PR set to tell a miss from a gap.",
        ),
    ] = True,
    check_only: Annotated[
        bool, typer.Option("--check", help="Only check that every fault can be planted.")
    ] = False,
    commit: Annotated[str, typer.Option(help="The commit to plant the faults in.")] = "HEAD",
    tree: Annotated[
        Path | None, typer.Option(help="The worktree (default: under ~/.cache/eduplatform).")
    ] = None,
) -> None:
    """Plant each fault of tests/selection-audit/faults.toml in a worktree, run what `edu affected`
    selects for it, and report caught / missed / uncaught. Exit 1 on any miss."""
    try:
        root = find_root()
        registry = load_registry(root / REGISTRY_FILE)
        faults = load_faults(root / FAULTS_FILE)
    except (WorkspaceError, RegistryError, FaultError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    problems = check_plantable(root, faults)
    if problems:
        for problem in problems:
            typer.secho(problem, fg="red", err=True)
        raise typer.Exit(2)
    if only:
        unknown = sorted(set(only) - {f.id for f in faults})
        if unknown:
            typer.secho(f"unknown fault ids: {', '.join(unknown)}", fg="red", err=True)
            raise typer.Exit(2)
        faults = [f for f in faults if f.id in only]
    areas = sorted({f.area for f in faults})
    typer.echo(f"{len(faults)} faults in {len(areas)} areas ({', '.join(areas)}): all plantable")
    if check_only:
        return
    sha = subprocess.run(
        ["git", "rev-parse", commit], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    env = audit_environment(os.environ, tree)
    worktree = Worktree(root, tree or default_tree(), sha)
    typer.echo(f"worktree {worktree.path} at {sha[:10]}: preparing (uv sync)")
    worktree.prepare(env)
    pr_layers = [layer.name for layer in registry.for_trigger("pr")]
    out = _results(root)
    out.mkdir(parents=True, exist_ok=True)
    replays: list[Replay] = []
    with (out / "replays.jsonl").open("w") as record:
        for n, fault in enumerate(faults, start=1):
            worktree.reset()
            worktree.plant(fault)
            selection = selection_of(worktree.path, fault.file, env)
            check = layer_runner(worktree.path, env, out / "logs", fault.id)
            result = replay(fault, selection, pr_layers, check, full_check)
            if result.outcome is Outcome.MISSED and result.full_caught_by:
                worktree.reset()  # the same layer on the tree without the fault
                clean = layer_runner(worktree.path, env, out / "logs", f"{fault.id}.clean")
                result = confirm_miss(result, not clean(result.full_caught_by, False, fault.file))
            replays.append(result)
            record.write(json.dumps(result.to_json()) + "\n")
            record.flush()
            by = result.caught_by or result.full_caught_by or "-"
            typer.echo(
                f"[{n}/{len(faults)}] {fault.id}: {result.outcome} (by {by}; "
                f"selected {', '.join(result.selected) or 'nothing'}; {result.seconds:.0f} s)"
            )
        worktree.reset()
    report = summary(replays)
    report.update(commit=sha, at=datetime.now(UTC).isoformat(timespec="seconds"))
    (out / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    typer.echo(render(table(replays)))
    if report[str(Outcome.RED_TREE)]:
        typer.secho(
            f"{report[str(Outcome.RED_TREE)]} fault(s) got no verdict: a layer fails on "
            f"{sha[:10]} without any fault; make the tree green first",
            fg="red",
        )
        raise typer.Exit(2)
    if report[str(Outcome.MISSED)]:
        for miss in report["misses"]:
            typer.secho(
                f"MISS {miss['fault']}: {miss['file']} selected {miss['selected']} "
                f"but {miss['full_caught_by']} catches it",
                fg="red",
            )
        raise typer.Exit(1)
