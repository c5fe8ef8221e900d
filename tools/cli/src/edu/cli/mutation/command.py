"""``edu mutation``: mutate each service's domain and service layer, score it, gate it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import subprocess
import time
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.git_baseline import BaselineError, GitBaseline
from edu.cli.mutation import floor, mutmut_runner, results, targets
from edu.cli.processes import TeeProcessRunner
from edu.cli.workspace import Workspace, WorkspaceError, find_root
from edu.common.clock import SystemClock

BASE = "base"


def _workspace() -> Workspace:
    try:
        return Workspace(find_root())
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def results_dir(root: Path) -> Path:
    """``.edu/results/mutation`` (under ``EDU_RESULTS_ROOT`` when set, as for ``edu test``)."""
    configured = os.environ.get("EDU_RESULTS_ROOT")
    return (Path(configured) if configured else root / ".edu" / "results") / "mutation"


def render(found: Sequence[results.PackageResult], floors: floor.Floors | None) -> str:
    lines = [
        "| package | scope | mutants | killed | timeout | survived | no tests | score | floor "
        "| run s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in found:
        wanted = floors.packages.get(r.package) if floors else None
        lines.append(
            f"| {r.package} | {r.scope} | {r.total} | {r.killed} | {r.timeout} | {r.survived} "
            f"| {r.no_tests} | {results.percent(r.score)} | "
            f"{'-' if wanted is None else f'{wanted:g} %'} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)


def mutation_command(
    package: Annotated[
        list[str] | None,
        typer.Option(
            "--package",
            "-p",
            help="A package (course.domain) or a member (course, both its packages); repeatable.",
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Mutate only the files changed since this git ref (a pull request); `base`: "
            "the base branch the contract gates compare with (EDU_CONTRACTS_BASE, main, "
            "origin/main)."
        ),
    ] = None,
    gate: Annotated[
        bool, typer.Option("--gate", help="Fail when a package is under its floor.")
    ] = False,
    run: Annotated[
        bool, typer.Option(help="--no-run: judge the last results instead of running.")
    ] = True,
    children: Annotated[
        int, typer.Option(min=1, help="Mutants tested at once.")
    ] = mutmut_runner.CHILDREN,
) -> None:
    """Mutation testing of the domain and service_layer packages against their unit tests.

    Writes .edu/results/mutation/<package>.json: score, counts and each surviving mutant's diff.
    """
    ws = _workspace()
    out = results_dir(ws.root)
    packages = targets.mutated_packages(ws.members)
    names = package or []
    unknown = targets.unknown_names(packages, names)
    if unknown:
        known = ", ".join(p.name for p in packages)
        typer.secho(f"unknown package {', '.join(unknown)} (known: {known})", fg="red", err=True)
        raise typer.Exit(2)
    try:
        floors: floor.Floors | None = floor.load(ws.root)
    except floor.FloorError as exc:
        if gate:
            typer.secho(str(exc), fg="red", err=True)
            raise typer.Exit(2) from None
        floors = None
    if not run:
        found = [
            r
            for r in results.read_all(out)
            if not names or r.package in names or r.member.rsplit("/", 1)[-1] in names
        ]
    else:
        found = _run(ws.root, packages, names, changed_since, children, out)
    typer.echo(render(found, floors))
    if gate and floors is not None:
        problems = floor.judge(found, floors)
        for problem in problems:
            typer.secho(problem, fg="red", err=True)
        if problems:
            raise typer.Exit(1)
        typer.secho(f"mutation gate: {len(found)} package(s) at or above their floor", fg="green")


def _run(
    root: Path,
    packages: Sequence[targets.Package],
    names: Sequence[str],
    changed_since: str | None,
    children: int,
    out: Path,
) -> list[results.PackageResult]:
    if importlib.util.find_spec("mutmut") is None:
        typer.secho(
            "mutmut is not installed in this environment: `just setup` (ADR 0020)",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    tool = f"{mutmut_runner.TOOL} {importlib.metadata.version('mutmut')}"
    changed: set[Path] | None = None
    if changed_since is not None:
        try:
            if changed_since == BASE:
                changed_since = GitBaseline.resolve(root).commit
            changed = targets.changed_files(root, changed_since)
        except BaselineError as exc:
            typer.secho(str(exc), fg="red", err=True)
            raise typer.Exit(2) from None
        except subprocess.CalledProcessError as exc:
            typer.secho(f"git cannot diff against {changed_since}: {exc.stderr}", fg="red")
            raise typer.Exit(2) from None
    plan = targets.select(packages, names, changed)
    if not plan:
        typer.echo(f"no domain or service_layer file changed since {changed_since}: nothing to do")
        return []
    pytest_options = _pytest_options(root)
    processes = TeeProcessRunner(echo=False)
    found: list[results.PackageResult] = []
    for target in plan:
        member = target.member.path.name
        work = mutmut_runner.work_folder(member)
        mutmut_runner.prepare(target, work, pytest_options)
        typer.echo(
            f"{member}: {len(target.files)} file(s) of {', '.join(p.name for p in target.packages)}"
        )
        started_at = SystemClock().now().isoformat(timespec="seconds")
        began = time.monotonic()
        log = out / "logs" / f"{member}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        code = processes.run(
            mutmut_runner.command(children), cwd=work, env=mutmut_runner.environment(), log_path=log
        )
        seconds = time.monotonic() - began
        if code != 0:
            typer.secho(f"{member}: mutmut failed (exit {code}); see {log}", fg="red", err=True)
            raise typer.Exit(1)
        info = mutmut_runner.RunInfo(seconds, started_at, tool, changed_since)
        for result in mutmut_runner.collect(target, work, root, info):
            results.write(out, result)
            found.append(result)
            typer.echo(
                f"  {result.package}: {results.percent(result.score)} "
                f"({result.killed + result.timeout}/{result.judged} detected) in {seconds:.1f} s"
            )
    return found


def _pytest_options(root: Path) -> dict[str, object]:
    data = tomllib.loads((root / "pyproject.toml").read_text())
    options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    return dict(options) if isinstance(options, dict) else {}
