"""Workers declared for `just dev` (``[tool.edu.worker]``): long-running processes beside the
services, started once every service's migrations have run.

    [tool.edu.worker]
    command = ["python", "-m", "edu.email_sender"]   # "python" becomes this interpreter
    database = "notifications"                        # optional: whose database it works on
    migrations = "migrations/certificates"            # optional: its own schema, migrated first
    port = 8006                                       # optional: its own HTTP API (EDU_HTTP_PORT)

A worker with a port is reached like a service: every process learns its
``EDU_<WORKER>_SERVICE_URL`` (the api-gateway routes to it), test stacks give it a free port,
and a stack waits until it answers.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.infra.databases import checked_name
from edu.infra.dev_services import DeclarationError
from edu.infra.process_environment import connection_environment

PYTHON_NAMES = frozenset({"python", "python3"})


@dataclass(frozen=True)
class DeclaredWorker:
    name: str
    member: Path
    argv: tuple[str, ...]
    database: str | None = None
    # Its own schema (a worker with a database of its own, e.g. certificate-generator), migrated
    # before it starts; None for a worker on another's database (migrated by that service).
    migrations: Path | None = None
    # Its own HTTP server (certificate-generator's downloads), told by EDU_HTTP_PORT; None: none.
    port: int | None = None

    def environment(self, urls: Mapping[str, str]) -> dict[str, str]:
        """The worker's own connections, as a service gets them (FIXED INTERFACE 2)."""
        env = connection_environment(urls, self.database)
        if self.port is not None:
            env["EDU_HTTP_PORT"] = str(self.port)
        return env

    @property
    def url(self) -> str:
        """Where its HTTP server listens (only meaningful with a port)."""
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        # The workspace's interpreter: a bare "python" on PATH may be another one, without it.
        first, *rest = self.argv
        return [sys.executable if first in PYTHON_NAMES else first, *rest]

    @property
    def description(self) -> str:
        on = f" on database {self.database}" if self.database else ""
        serving = f", {self.url}" if self.port is not None else ""
        return " ".join(self.argv) + on + serving


def declared_workers(members: Iterable[Path]) -> list[DeclaredWorker]:
    return [w for w in (read_worker_declaration(m) for m in members) if w is not None]


def read_worker_declaration(member: Path) -> DeclaredWorker | None:
    pyproject = member / "pyproject.toml"
    with pyproject.open("rb") as fh:
        table = tomllib.load(fh).get("tool", {}).get("edu", {}).get("worker")
    if table is None:
        return None
    where = f"{pyproject} [tool.edu.worker]"
    argv = table.get("command")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise DeclarationError(f"{where}: command must be a non-empty list of strings")
    database = table.get("database")
    if database is not None:
        try:
            database = checked_name(str(database))
        except ValueError as exc:
            raise DeclarationError(f"{where}: {exc}") from None
    migrations = table.get("migrations")
    folder = None
    if migrations is not None:
        if database is None:
            raise DeclarationError(f"{where}: migrations without a database")
        folder = member.parents[2] / str(migrations)  # workers/py/<name> -> the repository
        if not (folder / "env.py").is_file():
            raise DeclarationError(f"{where}: {folder} is not an Alembic folder (no env.py)")
    port = table.get("port")
    if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
        raise DeclarationError(f"{where}: port must be a number")
    return DeclaredWorker(member.name, member, tuple(argv), database, folder, port)
