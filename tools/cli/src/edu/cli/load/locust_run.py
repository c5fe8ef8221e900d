"""Running Locust headless on one profile: one process, or a master and its workers.

Distributed mode is Locust's own: a master (`--master`, bound to 127.0.0.1) and one worker
launch that forks N processes (`--worker --processes N`). Both get stdin from /dev/null: a
Locust process left reading the terminal hangs the script that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from edu.cli.load.profiles import Profile
from edu.infra.probes import free_port

LOCUSTFILE = Path("load") / "locustfile.py"


@dataclass(frozen=True)
class LocustRun:
    profile: Profile
    root: Path
    out_dir: Path
    host: str
    environment: dict[str, str]

    @property
    def prefix(self) -> Path:
        """Locust's --csv prefix: <out>/locust_stats.csv, locust_stats_history.csv, ..."""
        return self.out_dir / "locust"

    @property
    def html(self) -> Path:
        return self.out_dir / "report.html"

    def common(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(self.root / LOCUSTFILE),
            "--loglevel",
            "WARNING",
        ]

    def master_argv(self, master_port: int | None = None) -> list[str]:
        p = self.profile
        argv = [
            *self.common(),
            "--headless",
            "--host",
            self.host,
            "--run-time",
            f"{p.run_time_s}s",
            "--csv",
            str(self.prefix),
            "--csv-full-history",
            "--html",
            str(self.html),
            "--only-summary",
            "--stop-timeout",
            "5",
        ]
        if not p.shape:
            argv += ["--users", str(p.users), "--spawn-rate", f"{p.spawn_rate:g}"]
        if master_port is not None:
            argv += [
                "--master",
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                str(master_port),
                "--expect-workers",
                str(p.workers),
            ]
        return argv

    def worker_argv(self, master_port: int) -> list[str]:
        return [
            *self.common(),
            "--worker",
            "--master-host",
            "127.0.0.1",
            "--master-port",
            str(master_port),
            "--processes",
            str(self.profile.workers),
        ]

    def run(self) -> int:
        """Run to the end; Locust's own exit code (1 when any request failed) is returned, but
        the SLO check on the CSV decides whether the run passed."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.environment, **self.profile.shape_environment()}
        log = (self.out_dir / "locust.log").open("ab")
        try:
            if not self.profile.workers:
                return self._wait(self._spawn(self.master_argv(), env, log))
            port = free_port()
            master = self._spawn(self.master_argv(port), env, log)
            workers = self._spawn(self.worker_argv(port), env, log)
            try:
                return self._wait(master)
            finally:
                _stop(workers)
        finally:
            log.close()

    def _spawn(
        self, argv: list[str], env: dict[str, str], log: IO[bytes]
    ) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            argv,
            cwd=self.root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def _wait(self, process: subprocess.Popen[bytes]) -> int:
        # Generous: the run time, the spawn, the stop timeout and writing the reports.
        try:
            return process.wait(timeout=self.profile.run_time_s + 60)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise RuntimeError(
                f"Locust did not finish; see {self.out_dir / 'locust.log'}"
            ) from None


def _stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """The process and whatever it forked (`--processes`): its whole process group."""
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
