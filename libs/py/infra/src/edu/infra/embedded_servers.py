"""nats-server (with JetStream), redis-server, the mail sink and moto's S3 server as plain
processes on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from edu.infra.components import NATS, REDIS, S3, SMTP
from edu.infra.launched import LaunchedServer, spawn_detached, stop_launched
from edu.infra.probes import (
    nats_answers,
    port_in_use,
    redis_answers,
    s3_answers,
    smtp_answers,
    wait_until,
)


class StartError(RuntimeError):
    """A server process did not come up; the message carries the end of its log."""


def _log_tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


@dataclass
class EmbeddedNats:
    binary: Path
    store_dir: Path
    port: int
    log_path: Path
    monitor_port: int | None = None
    server_name: str = "edu"

    def argv(self) -> list[str]:
        argv = [
            str(self.binary),
            "--addr",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--jetstream",
            "--store_dir",
            str(self.store_dir),
            "--server_name",
            self.server_name,
        ]
        if self.monitor_port:
            argv += ["--http_port", str(self.monitor_port)]
        return argv

    def start(self, timeout: float = 20.0) -> LaunchedServer:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        proc = spawn_detached(self.argv(), self.log_path)
        server = LaunchedServer(
            component="nats",
            backend="embedded",
            url=NATS.url(self.port),
            pid=proc.pid,
            pid_started_at=proc.create_time(),
            data_dir=str(self.store_dir),
            log_path=str(self.log_path),
        )
        return _await_ready(server, lambda: nats_answers("127.0.0.1", self.port), timeout)


@dataclass
class EmbeddedRedis:
    binary: Path
    data_dir: Path
    port: int
    log_path: Path
    persist: bool = False
    extra: list[str] = field(default_factory=list)

    def argv(self) -> list[str]:
        # Snapshots only for the dev environment; tests keep everything in memory.
        save = ["--save", "60 1"] if self.persist else ["--save", "", "--appendonly", "no"]
        return [
            str(self.binary),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            *save,
            *self.extra,
        ]

    def start(self, timeout: float = 20.0) -> LaunchedServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        proc = spawn_detached(self.argv(), self.log_path)
        server = LaunchedServer(
            component="redis",
            backend="embedded",
            url=REDIS.url(self.port),
            pid=proc.pid,
            pid_started_at=proc.create_time(),
            data_dir=str(self.data_dir),
            log_path=str(self.log_path),
        )
        return _await_ready(server, lambda: redis_answers("127.0.0.1", self.port), timeout)


@dataclass
class EmbeddedMailSink:
    """edu.mailsink (ADR 0007): every message kept under ``mail_dir``, where `edu mail` reads."""

    python: Path
    mail_dir: Path
    port: int
    log_path: Path
    page_port: int | None = None

    def argv(self) -> list[str]:
        return [
            str(self.python),
            "-m",
            "edu.mailsink",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.mail_dir.resolve()),
            "--http-port",
            str(self.page_port or 0),
        ]

    def start(self, timeout: float = 20.0) -> LaunchedServer:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        proc = spawn_detached(self.argv(), self.log_path)
        page = f"http://127.0.0.1:{self.page_port}/" if self.page_port else None
        server = LaunchedServer(
            component="smtp",
            backend="embedded",
            url=SMTP.url(self.port),
            pid=proc.pid,
            pid_started_at=proc.create_time(),
            data_dir=str(self.mail_dir.resolve()),
            log_path=str(self.log_path),
            page_url=page,
        )
        return _await_ready(server, self._answers, timeout)

    def _answers(self) -> bool:
        # The page comes up just after SMTP; callers may open it as soon as we return.
        page_up = not self.page_port or port_in_use(self.page_port)
        return smtp_answers("127.0.0.1", self.port) and page_up


@dataclass
class EmbeddedS3:
    """moto's S3-compatible server (``moto_server``), everything in memory: for tests only."""

    binary: Path
    data_dir: Path
    port: int
    log_path: Path

    def argv(self) -> list[str]:
        return [str(self.binary), "-H", "127.0.0.1", "-p", str(self.port)]

    def start(self, timeout: float = 30.0) -> LaunchedServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        proc = spawn_detached(self.argv(), self.log_path)
        server = LaunchedServer(
            component="s3",
            backend="embedded",
            url=S3.url(self.port),
            pid=proc.pid,
            pid_started_at=proc.create_time(),
            data_dir=str(self.data_dir),
            log_path=str(self.log_path),
        )
        return _await_ready(server, lambda: s3_answers("127.0.0.1", self.port), timeout)


def _await_ready(
    server: LaunchedServer, answers: Callable[[], bool], timeout: float
) -> LaunchedServer:
    ready = wait_until(lambda: answers() or server.process() is None, timeout)
    if ready and server.process() is not None:
        return server
    stop_launched(server)
    log = _log_tail(Path(server.log_path or "/dev/null"))
    raise StartError(f"{server.component} did not start on {server.url}:\n{log}")
