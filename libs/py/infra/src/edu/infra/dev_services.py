"""Services declared for `just dev` (``[tool.edu.service]``).

A member declares itself in its pyproject.toml (FIXED INTERFACE 3):

    [tool.edu.service]
    port = 8001
    app = "edu.identity.entrypoints.asgi:create_app"   # zero-arg factory reading settings from env
    database = "identity"                               # optional, together with migrations
    migrations = "migrations/identity"                  # relative to the repository root

A service without a database (the web front end) leaves out both ``database`` and ``migrations``.

A Rust service under ``services/rs/`` declares the same in its Cargo.toml, without ``app`` (the
crate's binary is the service; it reads ``EDU_PORT``):

    [package.metadata.edu.service]
    port = 8000
    database = "payments"                               # optional, together with migrations
    migrations = "migrations/payments"

`just dev` runs it under ``edu.infra.cargo_watch`` (rebuilt and restarted on change); test and
load stacks build it first (edu.infra.cargo_build) and run the binary.

A service that should call the others through another one names it (web, ADR 0016):

    through = "api-gateway"    # when the stack runs api-gateway, web's service URLs point at it
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from edu.infra.databases import checked_name
from edu.infra.dev_lock import AlreadyRunning, DevLock
from edu.infra.process_environment import connection_environment

# How long uvicorn keeps an idle keep-alive connection open (its default is 5 s). The callers
# pool their connections longer: the api-gateway 30 s, the Rust services' reqwest clients 90 s
# (its default). A server that closes an idle connection first races the caller's next request
# on it: sent as the close arrives, it fails unread (the gateway's 502 "could not be read:
# SendRequest", seen in chaos 06 after the sign-in route was quiet for ~5 s). The server must
# outlast every caller's pool, so the close is always the caller's. The manifests carry the same
# figure (`edu deploy check`, rule keep-alive).
UVICORN_KEEP_ALIVE_SECONDS = 120

__all__ = [  # the lock lived here first; `from edu.infra.dev_services import DevLock` still works
    "AlreadyRunning",
    "DeclarationError",
    "DeclaredService",
    "DevLock",
    "declared_services",
    "read_cargo_companions",
    "read_cargo_declaration",
    "read_declaration",
    "rust_command",
    "rust_service_crates",
]


class DeclarationError(ValueError):
    """A [tool.edu.service] table is incomplete or wrong; the message names the file."""


@dataclass(frozen=True)
class DeclaredService:
    name: str
    member: Path
    port: int
    app: str
    database: str | None
    migrations: Path | None
    grpc_port: int | None = None  # an internal gRPC server beside the HTTP one (course)
    crate: str | None = None  # a Rust service: its Cargo package (and binary) name
    binary: Path | None = None  # its built binary, once edu.infra.cargo_build built it
    # Another binary of the same crate (a companion, e.g. payment-engine's provider sandbox);
    # None: the package's own binary.
    bin: str | None = None
    # Another declared service this one calls the others through when the stack runs it:
    # web's ``through = "api-gateway"`` points its EDU_<SERVICE>_SERVICE_URL at the gateway.
    through: str | None = None

    @property
    def is_rust(self) -> bool:
        return self.crate is not None

    def environment(self, urls: Mapping[str, str]) -> dict[str, str]:
        """The service process's own connections (FIXED INTERFACE 2) in development mode."""
        env = connection_environment(urls, self.database)
        if self.is_rust:
            env["EDU_PORT"] = str(self.port)
        if self.grpc_port is not None:
            env["EDU_GRPC_PORT"] = str(self.grpc_port)
        return env

    @property
    def grpc_target(self) -> str | None:
        return None if self.grpc_port is None else f"127.0.0.1:{self.grpc_port}"

    def command(self, reload: bool = True) -> list[str]:
        """uvicorn on 127.0.0.1; hot reload for `edu dev`, none for test and load stacks."""
        if self.crate is not None:
            return self._rust_command(reload)
        src = str(self.member / "src")
        watch = ["--reload", "--reload-dir", src] if reload else []
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.app,
            "--factory",
            *watch,
            "--app-dir",
            src,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--timeout-keep-alive",
            str(UVICORN_KEEP_ALIVE_SECONDS),
        ]

    def _rust_command(self, reload: bool) -> list[str]:
        assert self.crate is not None  # noqa: S101 - only called for Rust services
        return rust_command(self.member, self.crate, self.bin, self.binary, reload=reload)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def rust_command(
    member: Path, crate: str, bin: str | None, binary: Path | None, *, reload: bool
) -> list[str]:
    """How a Rust deployable (a service under services/rs, a worker under workers/rs) runs:
    ``edu.infra.cargo_watch`` with ``reload`` (`just dev`), else its built binary."""
    root = member.parents[2]  # services/rs/<name>, workers/rs/<name> -> the repository root
    which = ["--bin", bin] if bin else []
    if not reload:
        if binary is not None:
            return [str(binary)]
        return ["cargo", "run", "--quiet", "--locked", "--package", crate, *which]
    return [
        sys.executable,
        "-m",
        "edu.infra.cargo_watch",
        f"--root={root}",
        f"--package={crate}",
        *([f"--bin={bin}"] if bin else []),
        f"--watch={member}",
        f"--watch={root / 'libs' / 'rs'}",
    ]


RUST_SERVICES = "services/rs"


def rust_service_crates(root: Path) -> list[Path]:
    """The crate folders under services/rs (pass them with the members to run them too)."""
    return sorted(path.parent for path in (root / RUST_SERVICES).glob("*/Cargo.toml"))


def declared_services(root: Path, members: Iterable[Path]) -> list[DeclaredService]:
    """The declarations of ``members``: uv members (pyproject.toml) and Rust crates (Cargo.toml).

    The caller decides which run: `edu dev` and the test stacks add every crate of services/rs
    (``rust_service_crates``).
    """
    found = []
    for member in members:
        is_crate = (member / "Cargo.toml").is_file() and not (member / "pyproject.toml").is_file()
        read = read_cargo_declaration if is_crate else read_declaration
        declared = read(root, member)
        if declared is not None:
            found.append(declared)
        if is_crate:
            found.extend(read_cargo_companions(root, member))
    ports = [s.port for s in found]
    clash = sorted({p for p in ports if ports.count(p) > 1})
    if clash:
        raise DeclarationError(f"several services declare port(s) {clash}")
    return found


def read_cargo_declaration(root: Path, crate: Path) -> DeclaredService | None:
    manifest = crate / "Cargo.toml"
    with manifest.open("rb") as fh:
        package = tomllib.load(fh).get("package", {})
    table = package.get("metadata", {}).get("edu", {}).get("service")
    if table is None:
        return None
    where = f"{manifest} [package.metadata.edu.service]"
    if not isinstance(table.get("port"), int):
        raise DeclarationError(f"{where}: port must be a number")
    database, migrations = _database_of(root, table, where)
    return DeclaredService(
        crate.name,
        crate,
        table["port"],
        "",
        database,
        migrations,
        table.get("grpc_port"),
        crate=str(package["name"]),
    )


def read_cargo_companions(root: Path, crate: Path) -> list[DeclaredService]:
    """``[package.metadata.edu.companion.<bin>]``: another binary of the crate that every stack
    runs beside its service, e.g. payment-engine's provider sandbox::

        [package.metadata.edu.companion.payment-provider-sandbox]
        port = 8012

    Named after the binary; no database, no gRPC; it learns the others' URLs like any service.
    """
    manifest = crate / "Cargo.toml"
    with manifest.open("rb") as fh:
        package = tomllib.load(fh).get("package", {})
    tables = package.get("metadata", {}).get("edu", {}).get("companion", {})
    companions = []
    for name, table in sorted(tables.items()):
        where = f"{manifest} [package.metadata.edu.companion.{name}]"
        if not isinstance(table, dict) or not isinstance(table.get("port"), int):
            raise DeclarationError(f"{where}: port must be a number")
        companions.append(
            DeclaredService(
                name, crate, table["port"], "", None, None, crate=str(package["name"]), bin=name
            )
        )
    return companions


def _database_of(
    root: Path, table: Mapping[str, object], where: str
) -> tuple[str | None, Path | None]:
    if ("database" in table) != ("migrations" in table):
        missing = "migrations" if "database" in table else "database"
        raise DeclarationError(f"{where}: missing {missing}")
    if "database" not in table:
        return None, None
    migrations = root / str(table["migrations"])
    if not (migrations / "env.py").is_file():
        raise DeclarationError(f"{where}: {migrations} is not an Alembic folder (no env.py)")
    try:
        return checked_name(str(table["database"])), migrations
    except ValueError as exc:
        raise DeclarationError(f"{where}: {exc}") from None


def read_declaration(root: Path, member: Path) -> DeclaredService | None:
    pyproject = member / "pyproject.toml"
    with pyproject.open("rb") as fh:
        table = tomllib.load(fh).get("tool", {}).get("edu", {}).get("service")
    if table is None:
        return None
    where = f"{pyproject} [tool.edu.service]"
    missing = [k for k in ("port", "app") if k not in table]
    if ("database" in table) != ("migrations" in table):
        missing.append("migrations" if "database" in table else "database")
    if missing:
        raise DeclarationError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(table["port"], int) or ":" not in str(table["app"]):
        raise DeclarationError(f"{where}: port must be a number and app 'module:factory'")
    grpc_port = table.get("grpc_port")
    if grpc_port is not None and not isinstance(grpc_port, int):
        raise DeclarationError(f"{where}: grpc_port must be a number")
    through = table.get("through")
    if through is not None and not isinstance(through, str):
        raise DeclarationError(f"{where}: through must be a service's name")
    database, migrations = _database_of(root, table, where)
    return DeclaredService(
        member.name,
        member,
        table["port"],
        str(table["app"]),
        database,
        migrations,
        grpc_port,
        through=through,
    )
