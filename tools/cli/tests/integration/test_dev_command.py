"""`edu dev` on a throwaway workspace with a tiny service, against the plugin's real servers."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from edu.infra.probes import free_port, port_in_use, wait_until

Migrations = Callable[[Path], None]  # tiny_migrations (conftest.py)

TINY_APP = """
import os

import asyncpg
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def info(request):
    url = os.environ["EDU_DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(url)
    migrated = await conn.fetchval("SELECT to_regclass('tiny_items') IS NOT NULL")
    await conn.close()
    return JSONResponse({"database_url": os.environ["EDU_DATABASE_URL"], "migrated": migrated,
                         "environment": os.environ["EDU_ENVIRONMENT"]})


def create_app():
    return Starlette(routes=[Route("/", info)])
"""

# A worker that records what it was started with: its environment, its interpreter, and whether
# the service's migrations had run by then; then it works (sleeps) until it is stopped.
TINY_WORKER = """
import asyncio, json, os, sys, time

import asyncpg


async def migrated():
    url = os.environ["EDU_DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT to_regclass('tiny_items') IS NOT NULL")
    finally:
        await conn.close()


seen = {k: v for k, v in os.environ.items() if k.startswith("EDU_")}
record = {"env": seen, "python": sys.executable, "pid": os.getpid(), "cwd": os.getcwd(),
          "migrated": asyncio.run(migrated())}
with open("worker-saw.json.tmp", "w") as fh:
    json.dump(record, fh)
os.replace("worker-saw.json.tmp", "worker-saw.json")
while True:
    time.sleep(1)
"""


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class RunningDev:
    """`edu dev` in the background; its output collected line by line."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        # Ctrl-C reaches `edu dev` as SIGINT, which a shell ignores in every command it starts
        # in the background (`cmd &` without job control): the child must start with it at its
        # default, or Python never turns it into KeyboardInterrupt and the run looks hung.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "edu.cli", "dev"],
            cwd=root,
            env=env,
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_default_sigint,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.poll() is None, self.output
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output}"
            time.sleep(0.1)

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def workspace(
    root: Path, migrations: Migrations, with_service: bool, with_worker: bool = False
) -> tuple[int, str]:
    (root / "pyproject.toml").write_text(
        '[tool.uv.workspace]\nmembers = ["services/py/*", "workers/py/*"]\n'
    )
    port, database = free_port(), f"tiny_{secrets.token_hex(4)}"
    if with_service:
        member = root / "services" / "py" / "tiny"
        (member / "src").mkdir(parents=True)
        (member / "src" / "tinyapp.py").write_text(TINY_APP)
        (member / "pyproject.toml").write_text(
            '[project]\nname = "edu-tiny"\n[tool.uv.build-backend]\nmodule-name = "tinyapp"\n'
            f'[tool.edu.service]\nport = {port}\napp = "tinyapp:create_app"\n'
            f'database = "{database}"\nmigrations = "migrations/tiny"\n'
        )
        migrations(root)
    if with_worker:
        worker = root / "workers" / "py" / "tiny-worker"
        worker.mkdir(parents=True)
        (worker / "tiny_worker.py").write_text(TINY_WORKER)
        (worker / "pyproject.toml").write_text(
            '[project]\nname = "edu-tiny-worker"\n[tool.uv.build-backend]\nmodule-name = "tiny_worker"\n'
            "[tool.edu.worker]\n"
            'command = ["python", "workers/py/tiny-worker/tiny_worker.py"]\n'
            f'database = "{database}"\n'
        )
    return port, database


class TestDevWithAService:
    def test_migrates_serves_refuses_a_second_run_and_stops_on_ctrl_c(
        self, tmp_path: Path, dev_env: dict[str, str], tiny_migrations: Migrations
    ) -> None:
        port, database = workspace(tmp_path, tiny_migrations, with_service=True)
        env = {**dev_env, "EDU_ROOT": str(tmp_path)}
        dev = RunningDev(tmp_path, env)
        try:
            dev.wait_for(f"tiny           http://127.0.0.1:{port}")
            info = fetch_json(f"http://127.0.0.1:{port}/")
            assert str(info["database_url"]).endswith(f"/{database}")
            assert (info["migrated"], info["environment"]) == (True, "development")

            second = subprocess.run(
                [sys.executable, "-m", "edu.cli", "dev"],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert second.returncode == 1
            assert "already running" in second.stderr
        finally:
            code = dev.interrupt()
        assert code == 0, dev.output
        assert not port_in_use(port)


class TestDevWithAWorker:
    def test_the_worker_starts_after_the_migrations_with_its_connections_and_stops_on_ctrl_c(
        self,
        tmp_path: Path,
        dev_env: dict[str, str],
        tiny_migrations: Migrations,
        gone: Callable[[int | None], bool],
    ) -> None:
        port, database = workspace(tmp_path, tiny_migrations, with_service=True, with_worker=True)
        dev = RunningDev(tmp_path, {**dev_env, "EDU_ROOT": str(tmp_path)})
        try:
            dev.wait_for("Ctrl-C stops everything")
            saw = tmp_path / "worker-saw.json"
            assert wait_until(saw.is_file, 30), dev.output
            record = json.loads(saw.read_text())
        finally:
            code = dev.interrupt()
        assert code == 0, dev.output
        assert record["migrated"] is True  # its service's migrations ran before it started
        assert (record["python"], record["cwd"]) == (sys.executable, str(tmp_path))
        env = record["env"]
        smtp_port = dev_env["EDU_SMTP_URL"].rsplit(":", 1)[1]
        assert env["EDU_DATABASE_URL"].endswith(f"/{database}")
        assert (env["EDU_SMTP_HOST"], env["EDU_SMTP_PORT"]) == ("127.0.0.1", smtp_port)
        assert (env["EDU_NATS_URL"], env["EDU_REDIS_URL"]) == (
            dev_env["EDU_NATS_URL"],
            dev_env["EDU_REDIS_URL"],
        )
        assert env["EDU_TINY_SERVICE_URL"] == f"http://127.0.0.1:{port}"
        assert env["EDU_ENVIRONMENT"] == "development"
        workers_at = dev.output.index("workers:")
        assert dev.output.index("services:") < workers_at
        assert (
            f"tiny-worker    python workers/py/tiny-worker/tiny_worker.py on database {database}"
            in dev.output[workers_at:]
        )
        assert gone(record["pid"])


class TestDevWithoutServices:
    def test_prints_the_infrastructure_and_waits_for_ctrl_c(
        self, tmp_path: Path, dev_env: dict[str, str], tiny_migrations: Migrations
    ) -> None:
        workspace(tmp_path, tiny_migrations, with_service=False)
        dev = RunningDev(tmp_path, {**dev_env, "EDU_ROOT": str(tmp_path)})
        dev.wait_for("Ctrl-C stops everything")
        assert "no services are declared" in dev.output
        assert dev_env["EDU_NATS_URL"] in dev.output
        assert dev.interrupt() == 0


def fetch_json(url: str, timeout: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL
                loaded: dict[str, object] = json.loads(response.read())
                return loaded
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
