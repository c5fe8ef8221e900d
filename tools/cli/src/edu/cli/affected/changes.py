"""The change set: files that differ between the base and the working tree, from git.

``git diff <merge-base>`` against the working tree covers both the commits on this branch and
uncommitted edits; untracked files are added so a new module counts before its first commit.
``--no-renames`` lists both sides of a move, so the member a file left is tested too.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

DEFAULT_BASES = ("main", "origin/main")


class ChangeSetError(RuntimeError):
    """git could not answer; the message says what to fetch or pass instead."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise ChangeSetError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def merge_base(root: Path, base: str | None) -> str:
    """The commit this branch left ``base`` (default: main, else origin/main) at."""
    candidates = (base,) if base else DEFAULT_BASES
    for candidate in candidates:
        try:
            return _git(root, "merge-base", candidate, "HEAD").strip()
        except ChangeSetError:
            continue
    raise ChangeSetError(
        f"no merge base with {' or '.join(candidates)}: fetch the base branch "
        "(actions/checkout with fetch-depth: 0) or pass --files"
    )


def changed_files(root: Path, base: str | None) -> tuple[str, list[str]]:
    """(the merge-base commit, the sorted changed paths relative to the repository root)."""
    commit = merge_base(root, base)
    listed = _git(root, "diff", "--name-only", "--no-renames", commit).splitlines()
    listed += _git(root, "ls-files", "--others", "--exclude-standard").splitlines()
    return commit, sorted({path.strip() for path in listed if path.strip()})


def explicit_files(values: list[str], root: Path) -> list[str]:
    """``--files`` values: each may hold several paths separated by spaces, commas or lines."""
    found: set[str] = set()
    for value in values:
        for raw in value.replace(",", " ").split():
            path = Path(raw)
            if path.is_absolute():
                path = path.resolve().relative_to(root)
            found.add(path.as_posix().removeprefix("./").rstrip("/"))
    return sorted(found)
