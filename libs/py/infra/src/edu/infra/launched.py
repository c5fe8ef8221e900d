"""A server we started (or found), remembered on disk so that another process can stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import psutil

from edu.infra.probes import wait_until
from edu.infra.runtime_user import RunAs

# PostgreSQL: SIGINT is a "fast" shutdown (SIGTERM would wait for every client to leave).
STOP_SIGNALS = {
    "postgres": signal.SIGINT,
    "nats": signal.SIGTERM,
    "redis": signal.SIGTERM,
    "smtp": signal.SIGTERM,
}


@dataclass(frozen=True)
class LaunchedServer:
    component: str
    backend: str
    url: str
    pid: int | None = None
    # The process's start time guards against stopping an unrelated process that reused the pid.
    pid_started_at: float | None = None
    data_dir: str | None = None
    log_path: str | None = None
    container_id: str | None = None
    # A page the server serves for people (the mail sink's list of received mail).
    page_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LaunchedServer:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def process(self) -> psutil.Process | None:
        """Our process if it is still running (and is still ours), else None."""
        if self.pid is None:
            return None
        try:
            proc = psutil.Process(self.pid)
            alive = proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
            same = self.pid_started_at is None or abs(proc.create_time() - self.pid_started_at) < 1
        except psutil.Error:
            return None
        return proc if alive and same else None


def spawn_detached(
    argv: Sequence[str], log_path: Path, run_as: RunAs | None = None, cwd: Path | None = None
) -> psutil.Process:
    """Start a server in its own session, detached from our terminal, output to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        child = subprocess.Popen(  # noqa: S603 - argv built from found binaries
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cwd or "/",
            **run_as_kwargs(run_as),
        )
    return psutil.Process(child.pid)


def run_as_kwargs(run_as: RunAs | None) -> dict[str, Any]:
    if run_as is None:
        return {}
    # extra_groups=[] drops root's supplementary groups along with root itself.
    return {"user": run_as.uid, "group": run_as.gid, "extra_groups": []}


def stop_launched(server: LaunchedServer, timeout: float = 15.0) -> bool:
    """Stop a server we started; True when nothing of it is left running."""
    if server.container_id:
        done = subprocess.run(  # noqa: S603 - fixed argv
            ["docker", "rm", "--force", server.container_id],  # noqa: S607 - docker from PATH
            capture_output=True,
            check=False,
        )
        return done.returncode == 0
    proc = server.process()
    if proc is None:
        return True
    with contextlib.suppress(psutil.Error):
        proc.send_signal(STOP_SIGNALS.get(server.component, signal.SIGTERM))
    if wait_until(lambda: server.process() is None, timeout, interval=0.05):
        _reap(proc.pid)
        return True
    with contextlib.suppress(psutil.Error):
        proc.kill()
    _reap(proc.pid)
    return wait_until(lambda: server.process() is None, 5.0, interval=0.05)


def _reap(pid: int) -> None:
    # When the server is our own child (tests), collect its exit status so no zombie stays.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
