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

A Rust worker under ``workers/rs/`` declares the same in its Cargo.toml, without ``command``
(the crate's binary is the worker; a port is also told as ``EDU_PORT``, which edu-common reads):

    [package.metadata.edu.worker]
    database = "transcodes"                           # optional, as above
    migrations = "migrations/transcodes"
    port = 8014                                       # optional

`just dev` runs it under ``edu.infra.cargo_watch`` (rebuilt and restarted on change); test and
load stacks build it with the Rust services (edu.infra.cargo_build) and run the binary. Pass
``rust_worker_crates(root)`` with the members to run them.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.infra.databases import checked_name
from edu.infra.dev_services import DeclarationError, rust_command
from edu.infra.process_environment import connection_environment

PYTHON_NAMES = frozenset({"python", "python3"})
RUST_WORKERS = "workers/rs"


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
    crate: str | None = None  # a Rust worker: its Cargo package (and binary) name; argv is ()
    binary: Path | None = None  # its built binary, once edu.infra.cargo_build built it
    bin: str | None = None  # always the package's own binary (cargo_build reads it)

    @property
    def is_rust(self) -> bool:
        return self.crate is not None

    def environment(self, urls: Mapping[str, str]) -> dict[str, str]:
        """The worker's own connections, as a service gets them (FIXED INTERFACE 2)."""
        env = connection_environment(urls, self.database)
        if self.port is not None:
            env["EDU_HTTP_PORT"] = str(self.port)
            if self.is_rust:
                env["EDU_PORT"] = str(self.port)
        return env

    @property
    def url(self) -> str:
        """Where its HTTP server listens (only meaningful with a port)."""
        return f"http://127.0.0.1:{self.port}"

    def command(self, reload: bool = True) -> list[str]:
        """A Rust worker: under cargo_watch with ``reload`` (`edu dev`), else its binary."""
        if self.crate is not None:
            return rust_command(self.member, self.crate, None, self.binary, reload=reload)
        # The workspace's interpreter: a bare "python" on PATH may be another one, without it.
        first, *rest = self.argv
        return [sys.executable if first in PYTHON_NAMES else first, *rest]

    @property
    def description(self) -> str:
        on = f" on database {self.database}" if self.database else ""
        serving = f", {self.url}" if self.port is not None else ""
        run = f"{self.crate} (Rust)" if self.crate is not None else " ".join(self.argv)
        return run + on + serving


def rust_worker_crates(root: Path) -> list[Path]:
    """The crate folders under workers/rs (pass them with the members to run them too)."""
    return sorted(path.parent for path in (root / RUST_WORKERS).glob("*/Cargo.toml"))


def declared_workers(members: Iterable[Path]) -> list[DeclaredWorker]:
    """The declarations of ``members``: uv members (pyproject.toml) and Rust crates."""
    return [w for w in (read_worker_declaration(m) for m in members) if w is not None]


def read_worker_declaration(member: Path) -> DeclaredWorker | None:
    pyproject = member / "pyproject.toml"
    if not pyproject.is_file() and (member / "Cargo.toml").is_file():
        return read_cargo_worker_declaration(member)
    with pyproject.open("rb") as fh:
        table = tomllib.load(fh).get("tool", {}).get("edu", {}).get("worker")
    if table is None:
        return None
    where = f"{pyproject} [tool.edu.worker]"
    argv = table.get("command")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise DeclarationError(f"{where}: command must be a non-empty list of strings")
    database, folder, port = _common_fields(member, table, where)
    return DeclaredWorker(member.name, member, tuple(argv), database, folder, port)


def read_cargo_worker_declaration(crate: Path) -> DeclaredWorker | None:
    manifest = crate / "Cargo.toml"
    with manifest.open("rb") as fh:
        package = tomllib.load(fh).get("package", {})
    table = package.get("metadata", {}).get("edu", {}).get("worker")
    if table is None:
        return None
    where = f"{manifest} [package.metadata.edu.worker]"
    if "command" in table:
        raise DeclarationError(f"{where}: a Rust worker is its crate's binary (no command)")
    database, folder, port = _common_fields(crate, table, where)
    name = str(package["name"])
    return DeclaredWorker(crate.name, crate, (), database, folder, port, crate=name)


def _common_fields(
    member: Path, table: Mapping[str, object], where: str
) -> tuple[str | None, Path | None, int | None]:
    """database, migrations and port: the same rules for both languages."""
    database = None
    if table.get("database") is not None:
        try:
            database = checked_name(str(table["database"]))
        except ValueError as exc:
            raise DeclarationError(f"{where}: {exc}") from None
    migrations = table.get("migrations")
    folder = None
    if migrations is not None:
        if database is None:
            raise DeclarationError(f"{where}: migrations without a database")
        folder = member.parents[2] / str(migrations)  # workers/{py,rs}/<name> -> the repository
        if not (folder / "env.py").is_file():
            raise DeclarationError(f"{where}: {folder} is not an Alembic folder (no env.py)")
    port = table.get("port")
    if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
        raise DeclarationError(f"{where}: port must be a number")
    return database, folder, port
