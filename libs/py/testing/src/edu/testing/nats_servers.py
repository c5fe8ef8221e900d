"""Dedicated nats-server processes a test may stop and start again (outage tests).

``server.stop()`` and ``server.start()`` act at once (a NATS server starts in well under a
second) and return an already-finished awaitable, so both ``server.stop()`` and
``await server.stop()`` read naturally in an async test.
"""

from __future__ import annotations

import secrets
from collections.abc import Generator
from pathlib import Path
from typing import Any

from edu.infra.embedded_servers import EmbeddedNats
from edu.infra.launched import LaunchedServer, stop_launched
from edu.infra.probes import free_port


class Done:
    """An awaitable that has already happened."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield  # makes this a generator


class DedicatedNatsServer:
    def __init__(self, binary: Path, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        # The store folder stays across stop/start: JetStream streams survive an outage.
        self._nats = EmbeddedNats(
            binary,
            workdir / "jetstream",
            self.port,
            workdir / "nats.log",
            server_name=f"edu-dedicated-{self.port}",
        )
        self._running: LaunchedServer | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._running is not None and self._running.process() is not None

    def start(self) -> Done:
        if not self.running:
            self._running = self._nats.start()
        return Done()

    def stop(self) -> Done:
        if self._running is not None:
            stop_launched(self._running)
            self._running = None
        return Done()


class NatsServerFactory:
    """``server = await nats_server_factory()``: a new JetStream server on its own port."""

    def __init__(self, binary: Path, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.servers: list[DedicatedNatsServer] = []

    async def __call__(self) -> DedicatedNatsServer:
        server = DedicatedNatsServer(self.binary, self.workdir / secrets.token_hex(4))
        self.servers.append(server)
        server.start()
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()
