"""What several of the CLI's integration tests set up: a tiny service's migrations in a
throwaway workspace, a check that a process is gone, and the servers `edu dev` is given.
Handed out as fixtures (test modules cannot import each other), like ``start_dev``: `edu dev`
running in the background."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from edu.infra.probes import free_port, smtp_answers, wait_until
from edu.testing.database_fixtures import PostgresServer

# The sample migration environment of edu-testing's own tests (a plain alembic env.py).
SAMPLE_MIGRATIONS = (
    Path(__file__).parents[4] / "libs/py/testing/tests/integration/sample_migrations"
)

TINY_MIGRATION = """
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("tiny_items", sa.Column("id", sa.Integer, primary_key=True))
"""


def write_tiny_migrations(root: Path) -> None:
    versions = root / "migrations" / "tiny" / "versions"
    versions.mkdir(parents=True)
    (root / "migrations" / "tiny" / "env.py").write_text((SAMPLE_MIGRATIONS / "env.py").read_text())
    (versions / "0001_tiny.py").write_text(TINY_MIGRATION)


def write_worker(root: Path, name: str, script: str, database: str | None = None) -> None:
    """workers/py/<name> in the workspace at ``root``: a worker running ``script`` with this
    interpreter (``[tool.edu.worker]``), on ``database`` if given."""
    module = name.replace("-", "_")
    worker = root / "workers" / "py" / name
    worker.mkdir(parents=True)
    (worker / f"{module}.py").write_text(script)
    (worker / "pyproject.toml").write_text(
        f'[project]\nname = "edu-{name}"\n[tool.uv.build-backend]\nmodule-name = "{module}"\n'
        "[tool.edu.worker]\n"
        f'command = ["python", "workers/py/{name}/{module}.py"]\n'
        + (f'database = "{database}"\n' if database else "")
    )


def process_gone(pid: int | None) -> bool:
    """No such process any more (each of these processes is reaped by whoever started it)."""
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def tiny_migrations() -> Callable[[Path], None]:
    """``tiny_migrations(root)``: migrations/tiny in the workspace at ``root``, whose one
    revision creates the table tiny_items (a service declares ``migrations = "migrations/tiny"``)."""
    return write_tiny_migrations


@pytest.fixture
def worker_member() -> Callable[..., None]:
    """``worker_member(root, name, script, database=None)``: a declared worker (write_worker)."""
    return write_worker


@pytest.fixture
def gone() -> Callable[[int | None], bool]:
    """``gone(pid)``: no such process any more (each of these processes is reaped by whoever
    started it); True for no pid."""
    return process_gone


@pytest.fixture(scope="module")
def smtp_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A mail sink of the module's own (edu dev would otherwise start one on the dev port)."""
    port = free_port()
    folder = tmp_path_factory.mktemp("mail")
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu.mailsink",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--http-port",
            "0",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: smtp_answers("127.0.0.1", port), 20), (
            "the mail sink did not start"
        )
        yield f"smtp://127.0.0.1:{port}"
    finally:
        sink.terminate()
        sink.wait(timeout=20)


@pytest.fixture
def dev_env(
    postgres_server: PostgresServer, nats_url: str, redis_url: str, smtp_url: str
) -> dict[str, str]:
    """The test run's servers, given to `edu dev` as external ones: it starts no server itself."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "EDU_DATABASE_URL": postgres_server.url("postgres"),
        "EDU_NATS_URL": nats_url,
        "EDU_REDIS_URL": redis_url,
        "EDU_SMTP_URL": smtp_url,
        "EDU_INFRA_DOCKER": "off",
        "PYTHONUNBUFFERED": "1",
    }


# The child sets its SIGINT disposition itself and then execs `edu dev` (an ignored signal stays
# ignored across exec, a default one stays default). Not a ``preexec_fn``: that runs Python in the
# forked copy of this test process, where gRPC (loaded by other integration tests) has a poller
# thread on an epoll descriptor that close_fds then closes under it — the child aborted (SIGABRT,
# "Epoll1Poller … epoll_wait error: Bad file descriptor") about once in 100 forks, and once in a
# full run.
SET_SIGINT_THEN_EXEC = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.Handlers(int(sys.argv[1]))); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])"
)


class RunningDev:
    """`edu dev` in the background, started without a terminal; its output collected by line.

    A shell ignores SIGINT in every command it starts in the background (`cmd &` without job
    control), and so would this child: ``sigint`` sets how it starts (at its default, Python
    turns SIGINT into KeyboardInterrupt, as a terminal's Ctrl-C gives it). ``own_group`` makes
    it lead a process group, as a script or an IDE starts it, to signal the group."""

    def __init__(
        self,
        root: Path,
        env: dict[str, str],
        *,
        sigint: signal.Handlers = signal.SIG_DFL,
        own_group: bool = False,
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SET_SIGINT_THEN_EXEC, str(int(sigint)), "-m", "edu.cli", "dev"],
            cwd=root,
            env=env,
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,
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

    def signal_group(self, sig: signal.Signals) -> None:
        os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """The whole group, if it is still there (own_group only)."""
        if self.process.poll() is None:
            self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def start_dev() -> type[RunningDev]:
    """``start_dev(root, env, sigint=..., own_group=...)``: a :class:`RunningDev`."""
    return RunningDev
