"""Which code a test ran on: the commit, and for a dirty tree a digest of its changes.

Flakiness is judged on the same code: a test red on one tree and green on an edited one was
fixed, not flaky. ``git diff HEAD`` and the names of untracked files stand for the edits (an
edit inside an untracked file goes unseen: commit or stage it before a flake hunt).
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

UNKNOWN = "unknown"


def code_version(root: Path) -> str:
    head = _git(root, "rev-parse", "HEAD")
    if head is None:
        return UNKNOWN
    diff = _git(root, "diff", "HEAD")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    if not diff and not untracked:
        return head.strip()
    digest = hashlib.sha256(f"{diff}\0{untracked}".encode()).hexdigest()[:10]
    return f"{head.strip()}+{digest}"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
