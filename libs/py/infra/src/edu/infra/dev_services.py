"""Services declared for `just dev` (``[tool.edu.service]``), and the lock that keeps one `edu dev`.

A member declares itself in its pyproject.toml (FIXED INTERFACE 3):

    [tool.edu.service]
    port = 8001
    app = "edu.identity.entrypoints.asgi:create_app"   # zero-arg factory reading settings from env
    database = "identity"
    migrations = "migrations/identity"                  # relative to the repository root
"""

from __future__ import annotations

import fcntl
import os
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from edu.infra.databases import checked_name, with_database


class DeclarationError(ValueError):
    """A [tool.edu.service] table is incomplete or wrong; the message names the file."""


@dataclass(frozen=True)
class DeclaredService:
    name: str
    member: Path
    port: int
    app: str
    database: str
    migrations: Path

    def environment(self, urls: Mapping[str, str]) -> dict[str, str]:
        """The service process's own connections (FIXED INTERFACE 2) in development mode."""
        return {
            "EDU_DATABASE_URL": with_database(urls["postgres"], self.database),
            "EDU_NATS_URL": urls["nats"],
            "EDU_REDIS_URL": urls["redis"],
            "EDU_ENVIRONMENT": "development",
        }

    def command(self) -> list[str]:
        return [sys.executable, "-m", "uvicorn", self.app, "--factory", "--reload",
                "--reload-dir", str(self.member / "src"), "--app-dir", str(self.member / "src"),
                "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def declared_services(root: Path, members: Iterable[Path]) -> list[DeclaredService]:
    found = [s for s in (read_declaration(root, m) for m in members) if s is not None]
    ports = [s.port for s in found]
    clash = sorted({p for p in ports if ports.count(p) > 1})
    if clash:
        raise DeclarationError(f"several services declare port(s) {clash}")
    return found


def read_declaration(root: Path, member: Path) -> DeclaredService | None:
    pyproject = member / "pyproject.toml"
    with pyproject.open("rb") as fh:
        table = tomllib.load(fh).get("tool", {}).get("edu", {}).get("service")
    if table is None:
        return None
    where = f"{pyproject} [tool.edu.service]"
    missing = [k for k in ("port", "app", "database", "migrations") if k not in table]
    if missing:
        raise DeclarationError(f"{where}: missing {', '.join(missing)}")
    if not isinstance(table["port"], int) or ":" not in str(table["app"]):
        raise DeclarationError(f"{where}: port must be a number and app 'module:factory'")
    migrations = root / str(table["migrations"])
    if not (migrations / "env.py").is_file():
        raise DeclarationError(f"{where}: {migrations} is not an Alembic folder (no env.py)")
    try:
        database = checked_name(str(table["database"]))
    except ValueError as exc:
        raise DeclarationError(f"{where}: {exc}") from None
    return DeclaredService(
        member.name, member, table["port"], str(table["app"]), database, migrations
    )


class AlreadyRunning(RuntimeError):
    """Another `edu dev` holds the lock."""


class DevLock:
    """An exclusive lock file holding the pid of the `edu dev` that owns the dev ports."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(f"edu dev is already running (pid {owner})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        # The file stays: removing it could race with the next `edu dev` opening it.
        if self._handle is not None:
            self._handle.truncate(0)
            self._handle.close()  # closing drops the lock; the kernel does it too if we die
            self._handle = None
