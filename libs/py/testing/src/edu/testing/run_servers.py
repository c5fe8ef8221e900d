"""One server of each kind per test run, shared by every xdist worker of that run.

The run's controller (the only process without xdist, or xdist's controller) names a run folder
and hands it to its workers. The first worker that needs a server starts it under a file lock
and writes down how to reach and stop it; the others read that record. The controller stops
everything recorded when the run ends, and sweeps the folders of earlier runs whose controller
died (killed runs leave no server behind for long).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import psutil

from edu.infra.launched import LaunchedServer, stop_launched

RUN_PREFIX = "edu-testing-"
_RUN_NAME = re.compile(rf"^{RUN_PREFIX}(\d+)-[0-9a-f]+$")


def new_run_dir(parent: Path | None = None) -> Path:
    """A fresh run folder name (created lazily) carrying the controller's pid."""
    base = parent or Path(tempfile.gettempdir())
    return base / f"{RUN_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"


class RunServers:
    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir

    @property
    def token(self) -> str:
        return self.run_dir.name.rsplit("-", 1)[-1]

    def get_or_start(self, name: str, start: Callable[[Path], LaunchedServer]) -> LaunchedServer:
        """The run's server called ``name``, started by ``start(workdir)`` if nobody has yet."""
        self.run_dir.mkdir(mode=0o755, parents=True, exist_ok=True)
        record = self.run_dir / f"{name}.json"
        with (self.run_dir / f"{name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if record.is_file():
                return LaunchedServer.from_json(json.loads(record.read_text()))
            sweep_abandoned_runs(self.run_dir.parent)
            server = start(self.run_dir / name)
            record.write_text(json.dumps(server.to_json()))
            return server

    def stop_all(self) -> None:
        """Stop every server of this run and remove its folder (the controller calls this)."""
        stop_recorded(self.run_dir)


def stop_recorded(run_dir: Path) -> None:
    for record in sorted(run_dir.glob("*.json")):
        with contextlib.suppress(OSError, ValueError):
            stop_launched(LaunchedServer.from_json(json.loads(record.read_text())))
    shutil.rmtree(run_dir, ignore_errors=True)


def sweep_abandoned_runs(parent: Path) -> None:
    """Stop the servers of earlier runs whose controller process no longer exists."""
    for folder in parent.glob(f"{RUN_PREFIX}*"):
        match = _RUN_NAME.match(folder.name)
        if match and folder.is_dir() and not psutil.pid_exists(int(match.group(1))):
            stop_recorded(folder)
