"""Starts and stops the dev environment's servers: the real processes and compose calls."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from edu.infra.components import MAIL_PAGE_DEV_PORT, NATS_MONITOR_DEV_PORT, Component
from edu.infra.docker import Compose
from edu.infra.embedded_postgres import EmbeddedPostgres, default_cache_dir
from edu.infra.embedded_servers import EmbeddedMailSink, EmbeddedNats, EmbeddedRedis
from edu.infra.launched import LaunchedServer, stop_launched
from edu.infra.probes import port_in_use, url_answers
from edu.infra.runtime_user import postgres_run_as
from edu.infra.selection import Choice


class Launcher(Protocol):
    def start_embedded(self, choice: Choice, port: int) -> LaunchedServer: ...
    def start_docker(self, components: Sequence[Component]) -> None: ...
    def stop_docker(self, names: Sequence[str]) -> None: ...
    def stop(self, server: LaunchedServer) -> bool: ...
    def running(self, server: LaunchedServer) -> bool: ...
    def answers(self, component: str, url: str) -> bool: ...
    def port_taken(self, port: int) -> bool: ...


class ProcessLauncher:
    """Data under ``<root>/.edu/env/<component>``, logs under ``<root>/.edu/env/logs``.

    The secondary ports (NATS monitoring, the mail page) default to the dev ones; None leaves
    them out (tests and isolated stacks must not collide with a running `edu env`).
    """

    def __init__(
        self,
        root: Path,
        nats_monitor_port: int | None = NATS_MONITOR_DEV_PORT,
        mail_page_port: int | None = MAIL_PAGE_DEV_PORT,
    ) -> None:
        self.root = root
        self.env_dir = root / ".edu" / "env"
        self.nats_monitor_port = nats_monitor_port
        self.mail_page_port = mail_page_port

    @property
    def mail_dir(self) -> Path:
        """Where the embedded mail sink stores what it receives (`edu mail` reads it)."""
        return self.env_dir / "mail"

    def log_path(self, component: str) -> Path:
        return self.env_dir / "logs" / f"{component}.log"

    def start_embedded(self, choice: Choice, port: int) -> LaunchedServer:
        name, binary = choice.component.name, choice.binary
        if binary is None:
            raise ValueError(f"{name}: an embedded choice needs a binary")
        if name == "postgres":
            return EmbeddedPostgres(
                bin_dir=binary,
                data_dir=self.env_dir / "postgres" / "data",
                port=port,
                log_path=self.log_path(name),
                run_as=postgres_run_as(),
                cache_dir=default_cache_dir(os.environ),
            ).start()
        if name == "nats":
            return EmbeddedNats(
                binary=binary,
                store_dir=self.env_dir / "nats",
                port=port,
                log_path=self.log_path(name),
                monitor_port=self.nats_monitor_port,
                server_name="edu-dev",
            ).start()
        if name == "smtp":
            return EmbeddedMailSink(
                python=binary,
                mail_dir=self.mail_dir,
                port=port,
                log_path=self.log_path(name),
                page_port=self.mail_page_port,
            ).start()
        return EmbeddedRedis(
            binary=binary,
            data_dir=self.env_dir / "redis",
            port=port,
            log_path=self.log_path(name),
            persist=True,
        ).start()

    def start_docker(self, components: Sequence[Component]) -> None:
        self._compose(Compose(self.root).up([c.name for c in components]))

    def stop_docker(self, names: Sequence[str]) -> None:
        self._compose(Compose(self.root).stop(list(names)))

    def stop(self, server: LaunchedServer) -> bool:
        return stop_launched(server)

    def running(self, server: LaunchedServer) -> bool:
        if server.backend == "embedded":
            return server.process() is not None
        return self.answers(server.component, server.url)

    def answers(self, component: str, url: str) -> bool:
        return url_answers(component, url)

    def port_taken(self, port: int) -> bool:
        return port_in_use(port)

    def _compose(self, argv: list[str]) -> None:
        done = subprocess.run(argv, cwd=self.root, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {(done.stdout + done.stderr).strip()}")
