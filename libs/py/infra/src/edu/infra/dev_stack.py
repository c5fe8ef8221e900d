"""The processes of a stack: every declared service (its database created and migrated first),
then every declared worker; stopped together, each with its whole process group.

`edu dev` runs it on the dev ports with hot reload and output on the terminal; an isolated
stack (edu.infra.isolated_stack) runs it on free ports with a log file per process. Call it
from synchronous code: creating databases and migrating run event loops of their own.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from edu.infra.databases import create_database_if_missing, upgrade_to_head, with_database
from edu.infra.dev_services import DeclaredService
from edu.infra.dev_workers import DeclaredWorker
from edu.infra.probes import port_in_use, wait_until
from edu.infra.process_environment import Listening, service_links


class StackError(RuntimeError):
    """Part of the stack could not start; the message names it (and ends its log)."""


class DevStack:
    def __init__(
        self,
        root: Path,
        urls: Mapping[str, str],
        services: Sequence[DeclaredService],
        workers: Sequence[DeclaredWorker] = (),
        *,
        reload: bool = True,
        log_dir: Path | None = None,
        extra_env: Mapping[str, str] | None = None,
        say: Callable[[str], None] = print,
        own_env: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.root, self.urls, self.services, self.workers = root, urls, services, workers
        self.reload, self.log_dir, self.say = reload, log_dir, say
        self.extra_env = dict(extra_env or {})
        # Settings for one process only, e.g. enrollment's database through a chaos proxy.
        self.own_env = {name: dict(env) for name, env in (own_env or {}).items()}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.specs: dict[str, ProcessSpec] = {}

    def start(self) -> None:
        """Services first, each once its migrations ran; workers after all of them."""
        taken = [f"{s.name} ({s.port})" for s in self.services if port_in_use(s.port)]
        taken += [f"{w.name} ({w.port})" for w in self.serving_workers if port_in_use(w.port or 0)]
        if taken:
            raise StackError(f"port(s) already taken: {', '.join(taken)}")
        for service in self.services:
            with _named(service.name):
                if service.database is not None and service.migrations is not None:
                    self._create_database(service.name, service.database)
                    self.say(f"{service.name}: migrating {service.migrations}")
                    url = with_database(self.urls["postgres"], service.database)
                    upgrade_to_head(str(service.migrations), url)
                own = {**service.environment(self.urls), **self.through_environment(service)}
                self._spawn(service.name, service.command(self.reload), own)
        for worker in self.workers:
            with _named(worker.name):
                if worker.database is not None:
                    self._create_database(worker.name, worker.database)
                if worker.database is not None and worker.migrations is not None:
                    self.say(f"{worker.name}: migrating {worker.migrations}")
                    url = with_database(self.urls["postgres"], worker.database)
                    upgrade_to_head(str(worker.migrations), url)
                self._spawn(worker.name, worker.command(self.reload), worker.environment(self.urls))

    def through_environment(self, service: DeclaredService) -> dict[str, str]:
        """Every other service's URL pointed at the one ``service`` calls them through, when
        that one runs in this stack (else nothing: it calls them straight)."""
        front = next((s for s in self.services if s.name == service.through), None)
        if front is None:
            return {}
        others: list[Listening] = [
            replace(s, port=front.port, grpc_port=None)  # so each one's URL is the front's
            for s in self.services
            if s.name not in (service.name, front.name)
        ]
        others += [replace(w, port=front.port) for w in self.serving_workers]
        return service_links(others)

    @property
    def serving_workers(self) -> list[DeclaredWorker]:
        """The workers with an HTTP server of their own (reached like a service)."""
        return [worker for worker in self.workers if worker.port is not None]

    def wait_until_serving(self, timeout: float = 60.0) -> None:
        """Until every service accepts connections; StackError when one dies or never does."""
        for service in self.services:
            if not wait_until(functools.partial(self._up_or_dead, service), timeout, 0.1):
                raise StackError(
                    f"{service.name} does not answer on {service.url}{self._tail(service.name)}"
                )
            if self.processes[service.name].poll() is not None:
                raise StackError(f"{service.name} exited{self._tail(service.name)}")
        for worker in self.serving_workers:
            if not wait_until(functools.partial(self._up_or_dead, worker), timeout, 0.1):
                raise StackError(
                    f"{worker.name} does not answer on {worker.url}{self._tail(worker.name)}"
                )
            if self.processes[worker.name].poll() is not None:
                raise StackError(f"{worker.name} exited{self._tail(worker.name)}")

    def exited(self) -> dict[str, int]:
        """Processes that have stopped, with their exit codes."""
        codes = {name: child.poll() for name, child in self.processes.items()}
        return {name: code for name, code in codes.items() if code is not None}

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to every process group, SIGKILL to what is left after ``grace`` seconds."""
        children = list(self.processes.values())
        for child in children:
            if child.poll() is None:
                _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in children:
            with suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(child.pid, signal.SIGKILL)  # the child if stuck, and what it left behind
            child.wait()
        self.processes.clear()

    def log_path(self, name: str) -> Path | None:
        return self.log_dir / f"{name}.log" if self.log_dir else None

    def _create_database(self, name: str, database: str) -> None:
        created = asyncio.run(create_database_if_missing(self.urls["postgres"], database))
        self.say(f"{name}: database {database} {'created' if created else 'exists'}")

    def _spawn(self, name: str, argv: list[str], own: Mapping[str, str]) -> None:
        env = {
            **os.environ,
            **service_links([*self.services, *self.serving_workers]),
            **own,
            **self.extra_env,
            **self.own_env.get(name, {}),
        }
        spec = ProcessSpec(name, argv, env, self.root, self.log_path(name))
        self.specs[name] = spec
        self.processes[name] = spec.spawn()

    def _up_or_dead(self, process: DeclaredService | DeclaredWorker) -> bool:
        assert process.port is not None  # noqa: S101 - services and serving workers only
        return self.processes[process.name].poll() is not None or port_in_use(process.port)

    def _tail(self, name: str) -> str:
        log = self.log_path(name)
        if log is None or not log.is_file():
            return ""
        return ":\n" + log.read_text(errors="replace")[-3000:]


@dataclass(frozen=True)
class ProcessSpec:
    """How a stack process was started: enough to start it again (a chaos experiment kills
    a service with SIGKILL and brings it back exactly as the stack started it)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path | None

    def spawn(self) -> subprocess.Popen[bytes]:
        output = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            output = self.log_path.open("ab")
        try:
            # A process group each: uvicorn --reload runs a reloader and a worker process.
            return subprocess.Popen(  # noqa: S603 - argv from declarations
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
            )
        finally:
            if output is not None:
                output.close()  # the child holds its own copy

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "argv": self.argv,
            "env": self.env,
            "cwd": str(self.cwd),
            "log_path": None if self.log_path is None else str(self.log_path),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProcessSpec:
        log = data.get("log_path")
        return cls(
            str(data["name"]),
            [str(a) for a in data["argv"]],
            {str(k): str(v) for k, v in data["env"].items()},
            Path(data["cwd"]),
            None if log is None else Path(log),
        )


@contextmanager
def _named(name: str) -> Iterator[None]:
    """Any failure while starting ``name`` becomes a StackError that names it."""
    try:
        yield
    except StackError:
        raise
    except Exception as exc:
        raise StackError(f"{name} could not start: {exc}") from exc


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
