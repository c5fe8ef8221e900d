"""Is there a Docker engine (not just a client)? And the compose file for `edu env`."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.infra.binaries import OFF_VALUES

COMPOSE_FILE = Path("deploy/docker/compose.yaml")
COMPOSE_PROJECT = "eduplatform"


def docker_allowed(env: Mapping[str, str]) -> bool:
    """EDU_INFRA_DOCKER=off skips the Docker probe (and so the Docker backend)."""
    return env.get("EDU_INFRA_DOCKER", "on").strip().lower() not in OFF_VALUES


def _succeeds(argv: list[str], timeout: float) -> str | None:
    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603 - fixed argv
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def engine_answers(timeout: float = 5.0) -> bool:
    """True when a Docker engine answers (a client alone, as on our CI machines, is not enough)."""
    return bool(_succeeds(["docker", "info", "--format", "{{.ServerVersion}}"], timeout))


def compose_available(timeout: float = 5.0) -> bool:
    return _succeeds(["docker", "compose", "version"], timeout) is not None


@dataclass(frozen=True)
class Compose:
    """`docker compose` commands for the dev stack, run from the repository root."""

    root: Path

    def base(self) -> list[str]:
        return ["docker", "compose", "-f", str(self.root / COMPOSE_FILE), "-p", COMPOSE_PROJECT]

    def up(self, services: list[str]) -> list[str]:
        # --wait returns once every service's healthcheck passes.
        return [*self.base(), "up", "--detach", "--wait", *services]

    def stop(self, services: list[str]) -> list[str]:
        # `rm --stop` removes exactly these containers and keeps the named data volumes.
        return [*self.base(), "rm", "--stop", "--force", *services]

    def logs(self, services: list[str]) -> list[str]:
        return [*self.base(), "logs", "--tail", "200", *services]
