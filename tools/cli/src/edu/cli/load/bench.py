"""Side by side: the course service's catalogue and its bare twin (load/twin), one worker each.

Both read the same page from the same database under the same closed-loop load (``wrk`` when it
is installed — `apt-get install wrk` — else Locust as the generator), one after the other; the
ratio of their request rates is what the service's layers cost on its hottest read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.cli.load.locust_csv import read_stats
from edu.infra.databases import with_database
from edu.infra.probes import free_port, port_in_use, wait_until

TWIN_DIR = Path("load") / "twin"
CATALOGUE_PATH = "/courses?page=1&page_size=20"


class BenchError(RuntimeError):
    """The benchmark could not measure; the message says which side and why."""


@dataclass(frozen=True)
class BenchResult:
    generator: str
    seconds: int
    connections: int
    service_rps: float
    twin_rps: float

    @property
    def ratio(self) -> float:
        return self.service_rps / self.twin_rps if self.twin_rps else 0.0

    def render(self) -> str:
        return (
            f"catalogue GET {CATALOGUE_PATH}, {self.generator}, {self.connections} connections, "
            f"{self.seconds} s each, one uvicorn worker each:\n"
            f"  course service  {self.service_rps:8.1f} req/s\n"
            f"  bare twin       {self.twin_rps:8.1f} req/s  (Starlette + asyncpg, same query)\n"
            f"  ratio           {self.ratio:8.2f}x"
        )


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "locust"


@dataclass(frozen=True)
class ClosedLoop:
    """One closed-loop run: how many requests were answered, and at what rate."""

    requests: int
    rps: float


def closed_loop_rps(url: str, seconds: int, connections: int, work_dir: Path) -> float:
    return closed_loop(url, seconds, connections, work_dir).rps


def closed_loop(url: str, seconds: int, connections: int, work_dir: Path) -> ClosedLoop:
    """``connections`` clients sending GET ``url`` back to back for ``seconds``; any error
    answer or failed request raises BenchError."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return _locust_closed_loop(url, seconds, connections, work_dir)
    done = subprocess.run(
        [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    count = re.search(r"(\d+) requests in", done.stdout)
    if done.returncode != 0 or found is None or count is None:
        raise BenchError(f"wrk against {url} failed: {done.stdout}{done.stderr}")
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        raise BenchError(f"{url} answered errors under load:\n{done.stdout}")
    return ClosedLoop(int(count.group(1)), float(found.group(1)))


def _locust_closed_loop(url: str, seconds: int, users: int, work_dir: Path) -> ClosedLoop:
    """Locust as the generator: slower than wrk, so it can understate a very fast server."""
    base, _, _ = url.partition("/courses")
    prefix = work_dir / "bench"
    work_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(Path("load") / "bench_locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    stats = read_stats(prefix)
    if stats.total.requests == 0 or stats.total.failures:
        raise BenchError(f"locust against {base} failed: {done.stdout}{done.stderr}")
    return ClosedLoop(stats.total.requests, stats.total.rps)


def start_twin(
    root: Path, postgres: str, log: Path, environment: Mapping[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn on the twin, one worker, with the settings the services get; waits until it serves."""
    port = free_port()
    env = {**os.environ, **environment, "EDU_DATABASE_URL": with_database(postgres, "course")}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "catalogue_twin:app",
                "--app-dir",
                str(root / TWIN_DIR),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    if not wait_until(lambda: process.poll() is not None or port_in_use(port), 30, 0.1):
        process.kill()
        raise BenchError(f"the twin did not start; see {log}")
    if process.poll() is not None:
        raise BenchError(f"the twin exited; see {log}")
    return process, f"http://127.0.0.1:{port}"


def side_by_side(
    root: Path,
    service_url: str,
    postgres: str,
    log: Path,
    environment: Mapping[str, str],
    seconds: int = 10,
    connections: int = 32,
) -> BenchResult:
    twin, twin_url = start_twin(root, postgres, log, environment)
    try:
        work = log.parent
        closed_loop_rps(twin_url + CATALOGUE_PATH, 2, connections, work)  # warm pools and caches
        closed_loop_rps(service_url + CATALOGUE_PATH, 2, connections, work)
        service = closed_loop_rps(service_url + CATALOGUE_PATH, seconds, connections, work)
        bare = closed_loop_rps(twin_url + CATALOGUE_PATH, seconds, connections, work)
    finally:
        twin.terminate()
        twin.wait(timeout=10)
    return BenchResult(generator(), seconds, connections, service, bare)
