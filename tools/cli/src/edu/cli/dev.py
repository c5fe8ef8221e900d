"""``edu dev``: the infrastructure, every declared service's database and migrations, and the
services themselves with hot reload; one URL per service; Ctrl-C stops all it started.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import typer

from edu.cli.env import dev_environment, render, repository_root
from edu.cli.workspace import Workspace
from edu.infra.databases import create_database_if_missing, upgrade_to_head, with_database
from edu.infra.dev_services import AlreadyRunning, DeclarationError, DeclaredService, DevLock
from edu.infra.dev_services import declared_services as find_services
from edu.infra.devenv import DevEnvironment
from edu.infra.probes import port_in_use


class Stop(Exception):
    """SIGTERM arrived: leave like Ctrl-C."""


def dev_command() -> None:
    """Start the dev infrastructure and every service declared in [tool.edu.service]."""
    root = repository_root()
    lock = DevLock(root / ".edu" / "dev.lock")
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        typer.secho(f"{exc}: use that one (its terminal shows the URLs), or stop it with Ctrl-C",
                    fg="yellow", err=True)  # fmt: skip
        raise typer.Exit(1) from None
    try:
        services = find_services(root, [m.path for m in Workspace(root).members])
    except DeclarationError as exc:
        lock.release()
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    env = dev_environment(root)
    outcomes = env.up()
    started = [o.component for o in outcomes if o.action == "started"]
    typer.echo(render(outcomes))
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        with _sigterm_as_stop():
            if any(o.action == "failed" or not o.answers for o in outcomes):
                raise typer.Exit(1)
            urls = {o.component: o.url for o in outcomes}
            for service in services:
                try:
                    children[service.name] = _start(service, urls)
                except Exception as exc:  # a readable line beats a traceback in a dev loop
                    typer.secho(f"{service.name} could not start: {exc}", fg="red", err=True)
                    raise typer.Exit(1) from None
            _announce(services, urls)
            _wait(children)
    except (KeyboardInterrupt, Stop):
        typer.echo("\nstopping ...")
    finally:
        _stop_children(children)
        _stop_infrastructure(env, started)
        lock.release()


def _start(service: DeclaredService, urls: dict[str, str]) -> subprocess.Popen[bytes]:
    if port_in_use(service.port):
        raise RuntimeError(f"{service.name}: port {service.port} is already taken")
    created = asyncio.run(create_database_if_missing(urls["postgres"], service.database))
    typer.echo(f"{service.name}: database {service.database} {'created' if created else 'exists'}"
               f"; migrating {service.migrations}")  # fmt: skip
    upgrade_to_head(str(service.migrations), with_database(urls["postgres"], service.database))
    # A process group per service: uvicorn --reload runs a reloader and a worker process.
    return subprocess.Popen(
        service.command(), env={**os.environ, **service.environment(urls)},
        stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _announce(services: list[DeclaredService], urls: dict[str, str]) -> None:
    typer.secho("\ninfrastructure:", bold=True)
    for name, url in urls.items():
        typer.echo(f"  {name:<14} {url}")
    if not services:
        typer.echo("no services are declared ([tool.edu.service] in a member's pyproject.toml)")
    else:
        typer.secho("services:", bold=True)
        for service in services:
            typer.echo(f"  {service.name:<14} {service.url}")
    typer.echo("Ctrl-C stops everything started here.")


def _wait(children: dict[str, subprocess.Popen[bytes]]) -> None:
    reported: set[str] = set()
    while True:
        for name, child in children.items():
            if child.poll() is not None and name not in reported:
                reported.add(name)
                typer.secho(f"{name} exited with code {child.returncode}", fg="red", err=True)
        time.sleep(0.5)


def _stop_children(children: dict[str, subprocess.Popen[bytes]], grace: float = 10.0) -> None:
    for child in children.values():
        if child.poll() is None:
            _signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child.pid, signal.SIGKILL)
            child.wait()
        _signal_group(child.pid, signal.SIGKILL)  # anything the reloader left in its group


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def _stop_infrastructure(env: DevEnvironment, started: list[str]) -> None:
    """Only what this `edu dev` started: an environment that was already up stays up."""
    if started:
        typer.echo(render(env.down(only=started)))


@contextmanager
def _sigterm_as_stop() -> Iterator[None]:
    def raise_stop(signum: int, frame: object) -> None:
        raise Stop

    previous = signal.signal(signal.SIGTERM, raise_stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
