"""Choosing each component's backend at run time: external URL, Docker, or embedded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.infra.binaries import BinaryFinder
from edu.infra.components import Backend, Component
from edu.infra.docker import docker_allowed


class NoBackendError(RuntimeError):
    """No backend can provide a component; the message says what to install."""


@dataclass(frozen=True)
class Choice:
    component: Component
    backend: Backend
    external_url: str | None = None
    # Embedded only: PostgreSQL's bin folder, the nats-server / redis-server / moto_server
    # executable, or the Python interpreter that runs the mail sink.
    binary: Path | None = None

    def describe(self) -> str:
        if self.backend is Backend.EXTERNAL:
            return f"external ({self.component.env_var})"
        if self.backend is Backend.DOCKER:
            return f"docker ({self.component.docker_image})"
        return f"embedded ({self.binary})"


def embedded_binary(component: Component, finder: BinaryFinder) -> Path | None:
    if component.name == "postgres":
        return finder.postgres_bin()
    if component.name == "nats":
        return finder.nats_server()
    if component.name == "smtp":
        return finder.mail_sink()
    if component.name == "s3":
        return finder.moto_server()
    return finder.redis_server()


def choose_backend(
    component: Component,
    env: Mapping[str, str],
    finder: BinaryFinder,
    docker_answers: Callable[[], bool],
) -> Choice:
    """The first backend that can serve ``component``, or NoBackendError saying what to do."""
    url = env.get(component.env_var, "").strip()
    if url:
        return Choice(component, Backend.EXTERNAL, external_url=url)
    if docker_allowed(env) and docker_answers():
        return Choice(component, Backend.DOCKER)
    binary = embedded_binary(component, finder)
    if binary is not None:
        return Choice(component, Backend.EMBEDDED, binary=binary)
    raise NoBackendError(no_backend_message(component, finder))


def no_backend_message(component: Component, finder: BinaryFinder) -> str:
    return (
        f"No {component.name} backend can start: {component.env_var} is not set, "
        f"no Docker engine answers, and no embedded {component.name} server was found "
        f"({finder.searched(component.name)}).\n"
        f"To fix it: {component.install_hint}."
    )
