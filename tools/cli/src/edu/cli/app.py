"""``edu``: the eduplatform harness command."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from edu.cli import bytecode, gates, layer_table
from edu.cli import doctor as doctor_checks
from edu.cli import proto as proto_commands
from edu.cli.affected.command import CONTEXT as AFFECTED_CONTEXT
from edu.cli.affected.command import affected_command
from edu.cli.audit.command import selection_audit_command
from edu.cli.deploy import deploy_app
from edu.cli.dev import dev_command
from edu.cli.env import env_app
from edu.cli.flaky import quarantine
from edu.cli.flaky.command import flake_hunt_command, quarantine_command
from edu.cli.lanes import plan as plan_lanes
from edu.cli.lanes import run_planned
from edu.cli.load import load_app
from edu.cli.mail import mail_app
from edu.cli.mutation import floor as mutation_floor
from edu.cli.mutation.command import mutation_command
from edu.cli.openapi_gate import command as openapi_commands
from edu.cli.passthrough import PassthroughCommand, passthrough_args
from edu.cli.pipelines.command import ci_app
from edu.cli.pipelines.gate import check_workflows
from edu.cli.processes import TeeProcessRunner
from edu.cli.registry import TRIGGERS, Layer, RegistryError, load_registry
from edu.cli.report import health as report_health
from edu.cli.report import page as report_page
from edu.cli.results import LayerResult, LayerStatus
from edu.cli.runner import LayerRunner, reruns_from_environment
from edu.cli.search_quality import search_bench_command, search_quality_command
from edu.cli.seed import seed_command
from edu.cli.table import render_table
from edu.cli.test_selection import SelectionError
from edu.cli.workspace import REGISTRY_FILE, Workspace, WorkspaceError, find_root
from edu.common.clock import SystemClock

app = typer.Typer(
    help="eduplatform's harness: check the machine, run test layers against their budgets, "
    "run the quality gates.",
    no_args_is_help=True,
    add_completion=False,
)
gate_app = typer.Typer(help="Static quality gates (each is also a registered layer).")
app.add_typer(gate_app, name="gate")
app.add_typer(env_app, name="env")
app.add_typer(mail_app, name="mail")
app.command("dev")(dev_command)
app.command("seed")(seed_command)
app.command("search-quality")(search_quality_command)
app.command("search-bench")(search_bench_command)
app.add_typer(load_app, name="load")
app.add_typer(deploy_app, name="deploy")
app.command(
    "flake-hunt",
    cls=PassthroughCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)(flake_hunt_command)
app.command("quarantine")(quarantine_command)
app.command("mutation")(mutation_command)
app.command("selection-audit")(selection_audit_command)


def _workspace() -> Workspace:
    try:
        return Workspace(find_root())
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def results_dir(root: Path) -> Path:
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return Path(configured) if configured else root / ".edu" / "results"


@app.command()
def layers(
    markdown: Annotated[bool, typer.Option(help="Print the README's Markdown table.")] = False,
    write_readme: Annotated[
        bool, typer.Option(help="Rewrite the table inside README.md between its markers.")
    ] = False,
) -> None:
    """The registered layers: budget, goal, triggers and needed infrastructure."""
    ws = _workspace()
    registry = load_registry(ws.root / REGISTRY_FILE)
    table = layer_table.markdown_table(registry)
    if write_readme:
        readme = ws.root / "README.md"
        readme.write_text(layer_table.replace_section(readme.read_text(), table))
        typer.echo("README.md layer table updated")
    elif markdown:
        typer.echo(table)
    else:
        for layer in registry.layers:
            typer.echo(
                f"{layer.name:<14} {layer.budget_seconds:>6g} s  {','.join(layer.triggers):<16}"
                f" {layer.description}"
            )


@app.command("compile")
def compile_bytecode() -> None:
    """Write every module's bytecode now (sources, and the fast layers' rewritten tests)."""
    ws = _workspace()
    if not bytecode.compile_sources(ws.root):
        typer.secho("compileall failed on some source file (see above)", fg="red", err=True)
        raise typer.Exit(1)
    for layer, code in bytecode.warm_test_modules(ws.root, load_registry(ws.root / REGISTRY_FILE)):
        if code not in (0, 5):
            typer.secho(f"collecting the {layer} layer failed (exit {code}): run it", fg="red")
            raise typer.Exit(1)
    typer.echo("bytecode written: workspace sources, unit and integration test modules")


@app.command()
def doctor() -> None:
    """What this machine offers: Python, uv, just, and each infrastructure backend."""
    findings = doctor_checks.run_checks()
    typer.echo(doctor_checks.render(findings))
    required = [f for f in findings if f.group == "toolchain" and not f.ok]
    if required:
        typer.secho(f"missing required tools: {', '.join(f.name for f in required)}", fg="red")
        raise typer.Exit(1)


@app.command(
    "test",
    cls=PassthroughCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def run_tests(
    ctx: typer.Context,
    layers: Annotated[list[str] | None, typer.Argument(help="Layers to run, by name.")] = None,
    trigger: Annotated[
        str | None, typer.Option(help=f"Run every layer of a trigger: {', '.join(TRIGGERS)}.")
    ] = None,
    list_layers: Annotated[
        bool, typer.Option("--list", help="List the registered layers.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="The full run: every layer that fits on one machine."),
    ] = False,
    serial: Annotated[
        bool,
        typer.Option("--serial", help="One layer at a time: no lanes side by side."),
    ] = False,
    reruns: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Rerun a failed test up to N times; one that then passes is listed as flaky "
            "(default: EDU_RERUNS, else 0; the nightly pipeline sets 2).",
        ),
    ] = None,
) -> None:
    """Run test layers through the registry: time each against its budget, save results.

    Arguments after `--` go to the layer's command (e.g. `edu test unit -- -k settings`).
    """
    ws = _workspace()
    try:
        registry = load_registry(ws.root / REGISTRY_FILE)
        if list_layers:
            for layer in registry.layers:
                typer.echo(
                    f"{layer.name:<14} {layer.budget_seconds:>6g} s  {','.join(layer.triggers):<16}"
                    f" {layer.description}"
                )
            return
        selected: list[Layer] = [registry.get(name) for name in layers or []]
        if trigger:
            selected += [layer for layer in registry.for_trigger(trigger) if layer not in selected]
        if full:
            selected += [layer for layer in registry.full_run() if layer not in selected]
    except RegistryError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    if not selected:
        typer.secho(
            "name a layer, a --trigger or --full (see `edu test --list`)", fg="red", err=True
        )
        raise typer.Exit(2)

    results = results_dir(ws.root)
    extra = passthrough_args(ctx)

    def run_one(layer: Layer, echo: bool) -> LayerResult:
        runner = LayerRunner(
            root=ws.root,
            results_dir=results,
            processes=TeeProcessRunner(echo=echo),
            reruns=reruns_from_environment() if reruns is None else reruns,
        )
        if echo:
            typer.secho(f"\n=== {layer.name}: {layer.description}", bold=True)
        result = runner.run(layer, extra=extra)
        _report(result)  # a background lane's layer: one line when it ends
        return result

    began = time.monotonic()
    try:
        outcomes = run_planned(selected, run_one, typer.echo, serial=serial)
    except SelectionError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    wall = time.monotonic() - began
    lanes = "lanes side by side" if plan_lanes(selected, serial).background else "one at a time"
    table = render_table(outcomes) + f"\nwall time of the run {wall:.1f} s ({lanes})"
    (results / "last-run.txt").write_text(table + "\n")
    typer.echo("\n" + table)
    if not all(r.ok for r in outcomes):
        raise typer.Exit(1)


@app.command()
def report(
    output: Annotated[Path | None, typer.Option(help="Where to write the HTML page.")] = None,
) -> None:
    """Build the test-health page (budgets, trends, slowest tests, flaky candidates, mutation)."""
    ws = _workspace()
    source = results_dir(ws.root)
    target = output or source / "report" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    generated = SystemClock().now().isoformat(timespec="seconds")
    today = SystemClock().now().date()
    try:
        entries = quarantine.load(ws.root)
    except quarantine.QuarantineError as exc:
        typer.secho(str(exc), fg="red", err=True)
        entries = []
    try:
        floors = mutation_floor.load(ws.root).packages
    except mutation_floor.FloorError:
        floors = {}
    health = report_health.compute(source, quarantine=entries, today=today, mutation_floors=floors)
    target.write_text(report_page.render(health, generated))
    typer.echo(f"report written to {target}")


def _report(result: LayerResult) -> None:
    used = f"{result.duration_seconds:.1f} s of {result.budget_seconds:g} s"
    if result.machine_note():
        used += f" ({result.machine_note()})"
    if result.status is LayerStatus.PASSED:
        typer.secho(f"--- {result.layer}: passed in {used}", fg="green")
    elif result.status is LayerStatus.WARNING:
        typer.secho(f"--- {result.layer}: passed, but {result.message}", fg="yellow")
    else:
        typer.secho(f"--- {result.layer}: {result.status.upper()}: {result.message}", fg="red")


def _finish(outcomes: list[gates.GateOutcome]) -> None:
    for outcome in outcomes:
        color = "green" if outcome.ok else "red"
        typer.secho(f"{'ok' if outcome.ok else 'FAIL'}  {outcome.name}", fg=color)
        if outcome.output and (not outcome.ok or os.environ.get("EDU_VERBOSE")):
            typer.echo("    " + outcome.output.replace("\n", "\n    "))
    if not all(o.ok for o in outcomes):
        raise typer.Exit(1)


@gate_app.command("lint")
def gate_lint(
    fix: Annotated[bool, typer.Option(help="Fix and format instead of checking.")] = False,
) -> None:
    """ruff check and ruff format --check over the whole repository."""
    _finish(gates.lint(_workspace(), fix=fix))


@gate_app.command("typecheck")
def gate_typecheck(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Only the members holding these files.")
    ] = None,
    jobs: Annotated[int, typer.Option(help="Members checked at once.")] = 2,
) -> None:
    """mypy --strict over each workspace member's sources and tests."""
    _finish(gates.typecheck(_workspace(), jobs=jobs, files=files))


@gate_app.command("architecture")
def gate_architecture() -> None:
    """import-linter contracts from pyproject.toml."""
    _finish(gates.architecture(_workspace()))


@gate_app.command("deps")
def gate_deps() -> None:
    """Every import declared by its member; nothing declared left unused."""
    _finish(gates.deps(_workspace()))


@gate_app.command("rust-lint")
def gate_rust_lint(
    fix: Annotated[bool, typer.Option(help="Format the Rust code instead of checking it.")] = False,
) -> None:
    """rustfmt --check and clippy -D warnings over the Cargo workspace."""
    _finish(gates.rust_lint(_workspace(), fix=fix))


app.add_typer(proto_commands.build_app(_finish), name="proto")
app.add_typer(openapi_commands.build_app(_finish), name="openapi")


@gate_app.command("workflows")
def gate_workflows() -> None:
    """CI workflows: GitHub schema, zizmor audit, agreement with the layer registry."""
    _finish(check_workflows(_workspace().root))


app.command("affected", cls=PassthroughCommand, context_settings=AFFECTED_CONTEXT)(affected_command)
app.add_typer(ci_app, name="ci")


def main() -> None:
    app()
