"""Starting a throwaway server for a test run: external URL, Docker container, or embedded."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from edu.infra.binaries import BinaryFinder
from edu.infra.components import Backend, Component
from edu.infra.docker import engine_answers
from edu.infra.embedded_postgres import FAST_UNSAFE_SETTINGS, EmbeddedPostgres, default_cache_dir
from edu.infra.embedded_servers import EmbeddedNats, EmbeddedRedis, EmbeddedS3, StartError
from edu.infra.launched import LaunchedServer
from edu.infra.probes import free_port
from edu.infra.runtime_user import postgres_run_as
from edu.infra.selection import Choice, choose_backend

PORT_ATTEMPTS = 3  # a free port can be taken between choosing it and binding it


@functools.cache
def _docker_answers() -> bool:
    return engine_answers()


def start_test_server(component: Component, workdir: Path) -> LaunchedServer:
    """Raises edu.infra.selection.NoBackendError when nothing can serve ``component``."""
    choice = choose_backend(component, os.environ, BinaryFinder(os.environ), _docker_answers)
    if choice.backend == Backend.EXTERNAL:
        assert choice.external_url is not None  # noqa: S101 - set for external choices
        return LaunchedServer(component.name, Backend.EXTERNAL, choice.external_url)
    if choice.backend == Backend.DOCKER:
        from edu.testing.containers import start_container  # only where Docker answers

        return start_container(component)
    for attempt in range(1, PORT_ATTEMPTS + 1):
        try:
            return _start_embedded(choice, workdir / f"try{attempt}", free_port())
        except (StartError, RuntimeError):
            if attempt == PORT_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _start_embedded(choice: Choice, workdir: Path, port: int) -> LaunchedServer:
    binary = choice.binary
    assert binary is not None  # noqa: S101 - set for embedded choices
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{choice.component.name}.log"
    if choice.component.name == "postgres":
        return EmbeddedPostgres(
            bin_dir=binary,
            data_dir=workdir / "data",
            port=port,
            log_path=log,
            run_as=postgres_run_as(),
            settings=FAST_UNSAFE_SETTINGS,
            cache_dir=default_cache_dir(os.environ),
        ).start()
    if choice.component.name == "nats":
        return EmbeddedNats(
            binary, workdir / "jetstream", port, log, server_name="edu-test"
        ).start()
    if choice.component.name == "s3":
        return EmbeddedS3(binary, workdir / "s3", port, log).start()
    return EmbeddedRedis(binary, workdir / "redis", port, log).start()
