"""PostgreSQL refuses to run as root: as root we run it as a dedicated system user.

`initdb` and `postgres` exit when started by root. When the harness runs as root (our CI
machines do), the embedded PostgreSQL runs as the system user ``edu-postgres`` (created on first
use), owns its data folder, and can reach its binaries and data through every parent folder
(we add only the "search" bit, o+x, where it is missing: no folder becomes listable).
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

POSTGRES_SYSTEM_USER = "edu-postgres"


@dataclass(frozen=True)
class RunAs:
    name: str
    uid: int
    gid: int

    def chown_tree(self, path: Path) -> None:
        os.chown(path, self.uid, self.gid)
        for folder, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                os.chown(os.path.join(folder, name), self.uid, self.gid, follow_symlinks=False)


def postgres_run_as(name: str = POSTGRES_SYSTEM_USER) -> RunAs | None:
    """None for a normal user (PostgreSQL runs as us); the system user when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        _create_system_user(name)
        entry = pwd.getpwnam(name)
    return RunAs(name, entry.pw_uid, entry.pw_gid)


def _create_system_user(name: str) -> None:
    shell = next(
        (s for s in ("/usr/sbin/nologin", "/sbin/nologin") if Path(s).exists()), "/bin/false"
    )
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    done = subprocess.run(  # noqa: S603 - fixed argv, the name is ours
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            shell,
            name,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        pwd.getpwnam(name)  # another process may have created it at the same moment
    except KeyError:
        raise RuntimeError(
            f"running as root, PostgreSQL needs a system user {name!r} and `useradd` failed: "
            f"{done.stderr.strip()}; create it yourself or run as a normal user"
        ) from None


def grant_traversal(path: Path) -> list[Path]:
    """Let every user pass through each parent of ``path``; returns the folders changed."""
    changed: list[Path] = []
    for parent in path.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)
            changed.append(parent)
    return changed
