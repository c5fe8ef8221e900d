"""`edu dev` on a throwaway workspace with a tiny service, against the plugin's real servers."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edu.infra.probes import free_port, port_in_use, wait_until

Migrations = Callable[[Path], None]  # tiny_migrations (conftest.py)
StartDev = Callable[..., Any]  # start_dev (conftest.py): a RunningDev

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


def workspace(
    root: Path,
    migrations: Migrations,
    with_service: bool,
    worker_member: Callable[..., None] | None = None,  # the fixture, to add the tiny worker
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
    if worker_member is not None:
        worker_member(root, "tiny-worker", TINY_WORKER, database)
    return port, database


class TestDevWithAService:
    def test_migrates_serves_refuses_a_second_run_and_stops_on_ctrl_c(
        self,
        tmp_path: Path,
        dev_env: dict[str, str],
        tiny_migrations: Migrations,
        start_dev: StartDev,
    ) -> None:
        port, database = workspace(tmp_path, tiny_migrations, with_service=True)
        env = {**dev_env, "EDU_ROOT": str(tmp_path)}
        dev = start_dev(tmp_path, env)
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
        start_dev: StartDev,
        worker_member: Callable[..., None],
    ) -> None:
        port, database = workspace(
            tmp_path, tiny_migrations, with_service=True, worker_member=worker_member
        )
        dev = start_dev(tmp_path, {**dev_env, "EDU_ROOT": str(tmp_path)})
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
        self,
        tmp_path: Path,
        dev_env: dict[str, str],
        tiny_migrations: Migrations,
        start_dev: StartDev,
    ) -> None:
        workspace(tmp_path, tiny_migrations, with_service=False)
        dev = start_dev(tmp_path, {**dev_env, "EDU_ROOT": str(tmp_path)})
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
