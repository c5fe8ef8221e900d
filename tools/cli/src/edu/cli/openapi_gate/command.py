"""The ``edu openapi`` command group: export, check, and diff two spec files by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.gates import GateOutcome
from edu.cli.git_baseline import BaselineError, GitBaseline
from edu.cli.openapi_gate import gate
from edu.cli.openapi_gate.changes import render
from edu.cli.openapi_gate.export import ExportError, SubprocessExporter, discover, write_specs
from edu.cli.openapi_gate.operations import diff_specs
from edu.cli.workspace import Workspace, find_root


def build_app(finish: Callable[[list[GateOutcome]], None]) -> typer.Typer:
    """``finish`` prints gate outcomes and sets the exit code (the CLI's shared reporter)."""
    openapi_app = typer.Typer(help="OpenAPI contracts: export the specs, gate breaking changes.")

    @openapi_app.command("export")
    def export() -> None:
        """Write contracts/openapi/<service>.json for every service (tool.edu.service table)."""
        ws = Workspace(find_root())
        services = discover(ws)
        if not services:
            typer.echo("no workspace member declares [tool.edu.service] yet: nothing to export")
            return
        try:
            written = write_specs(ws.root, services, SubprocessExporter(ws.root, compile_rust=True))
        except ExportError as exc:
            finish([GateOutcome("edu openapi export", False, str(exc))])
            return
        for line in written:
            typer.echo(f"wrote {line}")

    @openapi_app.command("check")
    def check(
        against: Annotated[
            str | None, typer.Option(help="Base branch or commit (default: main).")
        ] = None,
    ) -> None:
        """Fail on stale specs and on breaking changes against main not acknowledged."""
        ws = Workspace(find_root())
        try:
            base = GitBaseline.resolve(ws.root, against)
            outcomes = gate.check(ws.root, discover(ws), SubprocessExporter(ws.root), base)
        except (BaselineError, ExportError) as exc:
            outcomes = [GateOutcome("edu openapi check", False, str(exc))]
        finish(outcomes)

    @openapi_app.command("diff")
    def diff(
        old: Annotated[Path, typer.Argument(help="The older spec (JSON).")],
        new: Annotated[Path, typer.Argument(help="The newer spec (JSON).")],
    ) -> None:
        """Compare two spec files; exit 1 when the newer one breaks clients of the older."""
        changes = diff_specs(json.loads(old.read_text()), json.loads(new.read_text()))
        typer.echo(render(changes))
        if any(change.breaking for change in changes):
            raise typer.Exit(1)

    return openapi_app
