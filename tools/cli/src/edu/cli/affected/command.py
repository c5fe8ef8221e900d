"""The ``edu affected`` command: show the selection, or run it (``--run``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.affected import changes, render
from edu.cli.affected.estimate import (
    DURATIONS_FILE,
    estimate,
    read_durations,
    read_last_durations,
)
from edu.cli.affected.run import finish, run_picks
from edu.cli.affected.scan import folder_imports, workspace_graph
from edu.cli.affected.selection import layers_for, select
from edu.cli.passthrough import passthrough_args
from edu.cli.registry import TRIGGERS, RegistryError, load_registry
from edu.cli.runner import LayerRunner, reruns_from_environment
from edu.cli.workspace import REGISTRY_FILE, Workspace, WorkspaceError, find_root

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def affected_command(
    ctx: typer.Context,
    base: Annotated[
        str | None, typer.Option(help="Compare with the merge base of this ref (default: main).")
    ] = None,
    files: Annotated[
        list[str] | None,
        typer.Option("--files", help="The changed files, instead of asking git (repeatable)."),
    ] = None,
    trigger: Annotated[
        str, typer.Option(help=f"Layers of this trigger: {', '.join(TRIGGERS)}.")
    ] = "pr",
    layer: Annotated[list[str] | None, typer.Option(help="Only these layers.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Not these layers.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Only layers of one kind: pytest, command or cargo.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Select every layer whole, whatever changed.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable, for CI.")] = False,
    run: Annotated[bool, typer.Option(help="Run the selection through the layer runner.")] = False,
) -> None:
    """Which members, test folders and layers a change needs; `--run` runs them.

    Arguments after `--` go to the pytest layers (e.g. `-- --splits 2 --group 1`).
    """
    try:
        root = find_root()
        ws = Workspace(root)
        registry = load_registry(root / REGISTRY_FILE)
        layers = layers_for(registry, trigger, layer or [], exclude or [], kind)
        if everything:
            base_label, changed = "(everything)", []
        elif files:
            base_label, changed = "--files", changes.explicit_files(files, root)
        else:
            commit, changed = changes.changed_files(root, base)
            base_label = f"{base or 'main'} ({commit[:10]})"
    except (RegistryError, WorkspaceError, changes.ChangeSetError, ValueError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None

    graph, owners = workspace_graph(ws)
    targets = {item.name: item.expand_paths(root) for item in layers if item.kind == "pytest"}
    outside = {t for folders in targets.values() for t in folders if graph.owner_of(t) is None}
    outside.add("tests")
    selection = select(
        changed,
        graph,
        layers,
        targets,
        folder_imports(owners, root, sorted(outside)),
        full_reason="--all" if everything else None,
    )
    results = _results_dir(root)
    guess = estimate(
        selection,
        layers,
        targets,
        read_durations(root / DURATIONS_FILE),
        read_last_durations(results / "history.jsonl"),
        folder_count=len(graph.nodes) + 1,
    )
    if not run:
        if as_json:
            typer.echo(json.dumps(render.to_json(selection, graph, base_label, guess), indent=2))
        else:
            typer.echo(render.to_text(selection, graph, base_label, guess))
        return
    typer.echo(render.to_text(selection, graph, base_label, guess))
    runner = LayerRunner(root=root, results_dir=results, reruns=reruns_from_environment())
    outcomes = run_picks(selection.picks, runner, passthrough_args(ctx), typer.echo)
    if not finish(outcomes, results, typer.echo):
        raise typer.Exit(1)


def _results_dir(root: Path) -> Path:
    """Where ``edu test`` writes too (``edu.cli.app.results_dir``, which imports us)."""
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return Path(configured) if configured else root / ".edu" / "results"
