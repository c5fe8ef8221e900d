"""PostgreSQL from plain binaries (the pgserver wheel's or a local install) via our own pg_ctl.

It listens on 127.0.0.1:PORT only (no Unix socket, so long data paths never hit the socket
path limit), trusts local connections, and has the superuser ``postgres``. A freshly initdb'd
cluster is cached per binary build and copied (about ten times faster than initdb).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from edu.infra.components import POSTGRES
from edu.infra.launched import LaunchedServer, run_as_kwargs
from edu.infra.runtime_user import RunAs, grant_traversal

# For throwaway test clusters: durability buys nothing there and costs time.
FAST_UNSAFE_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


@dataclass
class EmbeddedPostgres:
    bin_dir: Path
    data_dir: Path
    port: int
    log_path: Path
    run_as: RunAs | None = None
    settings: tuple[str, ...] = ()
    cache_dir: Path | None = None
    initdb_args: tuple[str, ...] = field(
        default=("--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-locale")
    )

    def ensure_cluster(self) -> None:
        """Create the data folder's cluster unless it already has one."""
        if (self.data_dir / "PG_VERSION").is_file():
            return
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            grant_traversal(self.data_dir)
            grant_traversal(self.bin_dir)
        cached = self._cached_cluster() if self.cache_dir else None
        if cached is None:
            self._initdb(self.data_dir)
            return
        shutil.copytree(cached, self.data_dir, symlinks=True)
        if self.run_as:
            self.run_as.chown_tree(self.data_dir)

    def start(self, timeout: float = 60.0) -> LaunchedServer:
        self.ensure_cluster()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.touch()
        if self.run_as:
            os.chown(self.log_path, self.run_as.uid, self.run_as.gid)
        options = [
            "-c listen_addresses=127.0.0.1",
            f"-p {self.port}",
            "-c unix_socket_directories=''",
            *(f"-c {s}" for s in self.settings),
        ]
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                " ".join(options),
            ],
            "pg_ctl start",
        )
        pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
        return LaunchedServer(
            component="postgres",
            backend="embedded",
            url=POSTGRES.url(self.port),
            pid=pid,
            pid_started_at=psutil.Process(pid).create_time(),
            data_dir=str(self.data_dir),
            log_path=str(self.log_path),
        )

    def _initdb(self, target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        target.chmod(0o700)
        if self.run_as:
            os.chown(target, self.run_as.uid, self.run_as.gid)
        self._run(
            [str(self.bin_dir / "initdb"), "-D", str(target), "--no-sync", *self.initdb_args],
            "initdb",
        )

    def _cached_cluster(self) -> Path | None:
        """The cached initdb'd cluster for these binaries (made now if missing), or None when
        there is no usable cache folder (e.g. a user without a home)."""
        assert self.cache_dir is not None  # noqa: S101 - callers check; narrows the type
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        postgres = (self.bin_dir / "postgres").stat()
        identity = f"{self.bin_dir.resolve()}|{postgres.st_size}|{postgres.st_mtime_ns}|"
        identity += f"{self.run_as.uid if self.run_as else os.geteuid()}|{self.initdb_args}"
        key = hashlib.sha256(identity.encode()).hexdigest()[:16]
        final = self.cache_dir / f"postgres-{key}"
        if (final / "PG_VERSION").is_file():
            return final
        if not os.access(self.cache_dir, os.W_OK | os.X_OK):  # e.g. another user's EDU_CACHE_DIR
            return None
        # Build beside it and rename: concurrent runs never see half a cluster.
        building = self.cache_dir / f".building-{os.getpid()}-{secrets.token_hex(4)}"
        if self.run_as:
            grant_traversal(building)
        self._initdb(building)
        try:
            building.rename(final)
        except OSError:  # another run won the race
            shutil.rmtree(building, ignore_errors=True)
        return final

    def _run(self, argv: list[str], what: str) -> None:
        done = subprocess.run(  # noqa: S603 - argv from the found binaries
            argv,
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            stdin=subprocess.DEVNULL,
            **run_as_kwargs(self.run_as),
        )
        if done.returncode != 0:
            log = (
                self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
            )
            raise RuntimeError(
                f"{what} failed (exit {done.returncode}): {(done.stdout + done.stderr).strip()}"
                + (f"\n--- {self.log_path} ---\n{log}" if log else "")
            )


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """Where initdb'd clusters are cached: EDU_CACHE_DIR, else the user's cache folder.

    As root the cache lives under /var/tmp, which the PostgreSQL system user can reach without
    opening up root's home folder.
    """
    configured = env.get("EDU_CACHE_DIR")
    if configured:
        return Path(configured)
    if os.geteuid() == 0:
        return Path("/var/tmp/edu-infra-cache")  # noqa: S108 - a cache, not a secret
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "edu-infra"
