"""The contracts as they are on the base branch (main), read straight from git.

The breaking-change gates (``edu proto check``, ``edu openapi check``) compare the working tree
with the base. Reading the base through ``git show`` / ``git archive`` instead of a checkout
works in shallow CI clones, on detached heads and with uncommitted changes alike.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

BASE_ENV = "EDU_CONTRACTS_BASE"
DEFAULT_BASES = ("main", "origin/main")


class BaselineError(RuntimeError):
    """The base branch cannot be found or read; the message says what to do."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, check=False, stdin=subprocess.DEVNULL
    )


@dataclass(frozen=True)
class GitBaseline:
    """One commit of the repository that the working tree is compared with."""

    root: Path
    ref: str
    commit: str

    @classmethod
    def resolve(cls, root: Path, ref: str | None = None) -> GitBaseline:
        """``ref``, else ``$EDU_CONTRACTS_BASE``, else ``main``, else ``origin/main``."""
        wanted = ref or os.environ.get(BASE_ENV)
        candidates = (wanted,) if wanted else DEFAULT_BASES
        for candidate in candidates:
            done = _git(root, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
            if done.returncode == 0:
                return cls(root, candidate, done.stdout.decode().strip())
        raise BaselineError(
            f"no base branch to compare with: tried {', '.join(candidates)}; "
            f"fetch main or set {BASE_ENV} to a branch or commit"
        )

    @property
    def label(self) -> str:
        return f"{self.ref} ({self.commit[:10]})"

    def has(self, path: str) -> bool:
        return _git(self.root, "cat-file", "-e", f"{self.commit}:{path}").returncode == 0

    def read_text(self, path: str) -> str | None:
        """The file's content at the base, or None when it does not exist there."""
        done = _git(self.root, "show", f"{self.commit}:{path}")
        return done.stdout.decode() if done.returncode == 0 else None

    def extract(self, path: str, into: Path) -> Path | None:
        """Copy the folder ``path`` as it is at the base into ``into``; None if it is absent."""
        if not self.has(path):
            return None
        done = _git(self.root, "archive", "--format=tar", self.commit, path)
        if done.returncode != 0:
            raise BaselineError(f"git archive {self.label} {path} failed: {done.stderr.decode()}")
        with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
            archive.extractall(into, filter="data")
        return into / path
