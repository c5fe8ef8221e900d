"""``edu env up | down | status | logs``: the dev infrastructure on the fixed dev ports.

PostgreSQL, NATS (JetStream), Redis and the SMTP sink (mail kept in .edu/env/mail, listed by
`edu mail` and on the page at http://127.0.0.1:11080/). Each component's backend is chosen at
run time: an external URL from the environment (EDU_DATABASE_URL, EDU_NATS_URL, EDU_REDIS_URL,
EDU_SMTP_URL), else Docker compose when an engine answers, else the embedded servers that
`uv sync` installed. State lives in .edu/env/state.json.
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.workspace import WorkspaceError, find_root
from edu.infra.binaries import BinaryFinder
from edu.infra.components import COMPONENTS, Backend, Component, component_named
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.devenv import DevEnvironment, Outcome
from edu.infra.docker import Compose, compose_available, engine_answers
from edu.infra.selection import Choice, choose_backend
from edu.infra.state import StateError

env_app = typer.Typer(
    help="PostgreSQL, NATS (JetStream), Redis and an SMTP sink for development, on 127.0.0.1.",
    no_args_is_help=True,
)


def repository_root() -> Path:
    try:
        return find_root()
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def chooser() -> functools.partial[Choice]:
    """Backend choice for `edu env`: Docker counts only with the compose plugin."""
    docker = functools.cache(lambda: engine_answers() and compose_available())
    return functools.partial(
        choose_backend, env=os.environ, finder=BinaryFinder(os.environ), docker_answers=docker
    )


def dev_environment(root: Path) -> DevEnvironment:
    choose = chooser()
    return DevEnvironment(root, ProcessLauncher(root), choose)


def render(outcomes: Sequence[Outcome]) -> str:
    rows = [("component", "backend", "url", "answers", "state")]
    rows += [
        (o.component, o.backend, o.url, "yes" if o.answers else "no", o.action) for o in outcomes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines += [f"{o.component}: page {o.page_url}" for o in outcomes if o.page_url]
    lines += [f"{o.component}: {o.detail}" for o in outcomes if o.detail]
    return "\n".join(lines)


def _finish(outcomes: Sequence[Outcome], ok: bool) -> None:
    typer.echo(render(outcomes))
    if not ok:
        raise typer.Exit(1)


def _guarded(action: str) -> list[Outcome]:
    env = dev_environment(repository_root())
    try:
        return list(getattr(env, action)())
    except StateError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


@env_app.command("up")
def up() -> None:
    """Start whatever is not running yet (running twice changes nothing)."""
    outcomes = _guarded("up")
    _finish(outcomes, all(o.action != "failed" and o.answers for o in outcomes))


@env_app.command("down")
def down() -> None:
    """Stop exactly what `edu env up` started (external servers are left alone)."""
    outcomes = _guarded("down")
    if not outcomes:
        typer.echo("nothing to stop: `edu env up` started nothing here")
        return
    _finish(outcomes, all(o.action == "stopped" for o in outcomes))


@env_app.command("status")
def status() -> None:
    """Each component: its backend, its URL and whether it answers."""
    outcomes = _guarded("status")
    _finish(outcomes, True)


@env_app.command("logs")
def logs(
    component: Annotated[str | None, typer.Argument(help="postgres, nats, redis or smtp")] = None,
    lines: Annotated[int, typer.Option("--lines", "-n", help="Lines from the end.")] = 50,
) -> None:
    """The last lines of each embedded server's log (or `docker compose logs`)."""
    root = repository_root()
    try:
        chosen: list[Component] = [component_named(component)] if component else list(COMPONENTS)
    except KeyError as exc:
        typer.secho(str(exc.args[0]), fg="red", err=True)
        raise typer.Exit(2) from None
    servers = dev_environment(root).state.load()
    for comp in chosen:
        typer.secho(f"== {comp.name}", bold=True)
        server = servers.get(comp.name)
        if server is None:
            typer.echo("not started by `edu env up`")
        elif server.backend == Backend.DOCKER:
            subprocess.run(Compose(root).logs([comp.name]), check=False)
        elif server.backend == Backend.EXTERNAL:
            typer.echo(f"external server {server.url}: its logs are wherever it runs")
        elif server.log_path:
            text = Path(server.log_path).read_text(errors="replace").splitlines()
            typer.echo("\n".join(text[-lines:]))
