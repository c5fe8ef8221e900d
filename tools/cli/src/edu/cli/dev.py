"""``edu dev``: the infrastructure (PostgreSQL, NATS, Redis, the mail sink), every declared
service's database and migrations, every service with hot reload, then every declared worker;
one line per service and worker; Ctrl-C (or SIGINT/SIGTERM to its process group, as a script
or an IDE sends it) stops all it started.

For E2E and load runs there is a complete stack on free ports that leaves a running `edu dev`
alone (own embedded servers and mail sink, every service without reload, every worker):

    from edu.cli.dev import start_isolated_stack

    with start_isolated_stack(tmp_path / "stack") as stack:   # this checkout's services
        stack.service_urls["web"]          # {"identity": "http://127.0.0.1:<port>", ...}
        stack.infrastructure["postgres"]   # postgres, nats, redis, smtp URLs
        stack.mail_dir                     # edu.mailsink.store.MailStore(stack.mail_dir).list()
        stack.log_path("identity")         # each process's output

Options (edu.infra.isolated_stack.StackOptions): ``only={"identity", "web"}`` to run fewer,
``ports={"web": 8100}`` to fix a port, ``extra_env={...}`` for more settings. Call it from
synchronous code (a sync pytest fixture): it runs event loops of its own while migrating.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Unpack

import typer

from edu.cli.env import dev_environment, render, repository_root
from edu.cli.workspace import Workspace, find_root
from edu.infra.dev_services import AlreadyRunning, DeclarationError, DevLock, rust_service_crates
from edu.infra.dev_services import declared_services as find_services
from edu.infra.dev_stack import DevStack, StackError
from edu.infra.dev_workers import declared_workers, rust_worker_crates
from edu.infra.devenv import DevEnvironment, Outcome
from edu.infra.isolated_stack import IsolatedStack, StackOptions
from edu.infra.isolated_stack import start_isolated_stack as start_stack


class Stop(BaseException):
    """SIGINT or SIGTERM arrived: stop everything (a BaseException, like KeyboardInterrupt, so
    that no ``except Exception`` on the way turns it into a failure to start)."""


def workspace_members(root: Path) -> list[Path]:
    return [member.path for member in Workspace(root).members]


def start_isolated_stack(
    folder: Path, root: Path | None = None, **options: Unpack[StackOptions]
) -> IsolatedStack:
    """This checkout's whole stack on free ports, state under ``folder``; see the module doc."""
    root = root or find_root()
    return start_stack(root, workspace_members(root), folder, **options)


def dev_command() -> None:
    """Start the dev infrastructure, every declared service and then every declared worker."""
    root = repository_root()
    lock = DevLock(root / ".edu" / "dev.lock")
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        typer.secho(
            f"{exc}: use that one (its terminal shows the URLs), or stop it with Ctrl-C",
            fg="yellow",
            err=True,
        )
        raise typer.Exit(1) from None
    try:
        services = find_services(root, [*workspace_members(root), *rust_service_crates(root)])
        workers = declared_workers([*workspace_members(root), *rust_worker_crates(root)])
    except DeclarationError as exc:
        lock.release()
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None
    env = dev_environment(root)
    outcomes = env.up()
    started = [o.component for o in outcomes if o.action == "started"]
    typer.echo(render(outcomes))
    stack = DevStack(
        root, {o.component: o.url for o in outcomes}, services, workers, say=typer.echo
    )
    stop_on_signal = StopOnSignal()
    stop_on_signal.install()
    try:
        if any(o.action == "failed" or not o.answers for o in outcomes):
            raise typer.Exit(1)
        try:
            stack.start()
        except StackError as exc:  # a readable line beats a traceback in a dev loop
            typer.secho(str(exc), fg="red", err=True)
            raise typer.Exit(1) from None
        _announce(stack, outcomes)
        _wait(stack)
    except (KeyboardInterrupt, Stop):
        typer.echo("\nstopping ...")
    finally:
        stop_on_signal.stopping = True  # from here on a signal cannot cut the cleanup short
        stack.stop()
        _stop_infrastructure(env, started)
        lock.release()
        stop_on_signal.uninstall()


def _announce(stack: DevStack, outcomes: Sequence[Outcome]) -> None:
    typer.secho("\ninfrastructure:", bold=True)
    for o in outcomes:
        typer.echo(
            f"  {o.component:<14} {o.url}" + (f"  (page {o.page_url})" if o.page_url else "")
        )
    if not stack.services:
        typer.echo("no services are declared ([tool.edu.service] in a member's pyproject.toml)")
    else:
        typer.secho("services:", bold=True)
        for service in stack.services:
            typer.echo(f"  {service.name:<14} {service.url}")
    if stack.workers:
        typer.secho("workers:", bold=True)
        for worker in stack.workers:
            typer.echo(f"  {worker.name:<14} {worker.description}")
    typer.echo("Ctrl-C stops everything started here.")


def _wait(stack: DevStack) -> None:
    reported: set[str] = set()
    while True:
        for name, code in stack.exited().items():
            if name not in reported:
                reported.add(name)
                typer.secho(f"{name} exited with code {code}", fg="red", err=True)
        time.sleep(0.5)


def _stop_infrastructure(env: DevEnvironment, started: list[str]) -> None:
    """Only what this `edu dev` started: an environment that was already up stays up."""
    if started:
        typer.echo(render(env.down(only=started)))


class StopOnSignal:
    """SIGINT and SIGTERM raise Stop once; while stopping, the same signals are only noted.

    A script or an IDE stops `just dev` by signalling its whole process group without a
    terminal: `uv run` then forwards the SIGINT it got to us as well, so the signal comes twice,
    the second time mid-cleanup, which it must not abort (that left the infrastructure running).
    SIGINT is taken whatever we inherited: a script's `just dev &` starts us with it ignored.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.stopping = False
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        self._previous = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}

    def uninstall(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)

    def _handle(self, signum: int, frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            raise Stop
        typer.echo(f"{signal.Signals(signum).name}: already stopping ...", err=True)
