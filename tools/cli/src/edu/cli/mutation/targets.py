"""What ``edu mutation`` mutates: each Python service's and worker's domain and service layer.

A *package* is one of those folders, named ``<member>.<layer>`` (``course.domain``,
``identity.service_layer``): the unit the scores, the floor and the report speak of. A member's
packages are mutated in one run against that member's unit tests only (``tests/unit``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from edu.cli.workspace import Member

MUTATED_LAYERS = ("domain", "service_layer")
MUTATED_KINDS = ("services", "workers")


@dataclass(frozen=True)
class Package:
    """One mutated package of one member: ``services/py/course`` + ``domain``."""

    member: Member
    layer: str

    @property
    def name(self) -> str:
        return f"{self.member.path.name}.{self.layer}"

    @property
    def folder(self) -> Path:
        """The package's sources: ``<member>/src/edu/<module>/<layer>``."""
        return self.member.src / Path(*self.member.module.split(".")) / self.layer

    def relative(self, path: Path) -> str:
        """``path`` relative to the member (``src/edu/course/domain/course.py``)."""
        return path.relative_to(self.member.path).as_posix()

    def files(self) -> list[Path]:
        """The package's modules; ``__init__.py`` re-exports and is left out."""
        return sorted(p for p in self.folder.rglob("*.py") if p.name != "__init__.py")


@dataclass(frozen=True)
class Target:
    """One member's mutation run: its packages and, on a pull request, the files to mutate."""

    member: Member
    packages: tuple[Package, ...]
    only: tuple[Path, ...] | None = None  # None: every file of the packages

    @property
    def files(self) -> list[Path]:
        every = [path for package in self.packages for path in package.files()]
        return every if self.only is None else [p for p in every if p in self.only]

    def package_of(self, path: Path) -> Package | None:
        for package in self.packages:
            if path.is_relative_to(package.folder):
                return package
        return None


def mutated_packages(members: Iterable[Member]) -> list[Package]:
    """Every service's and worker's domain and service_layer package that has modules."""
    found: list[Package] = []
    for member in members:
        if member.kind not in MUTATED_KINDS:
            continue
        for layer in MUTATED_LAYERS:
            package = Package(member, layer)
            if package.folder.is_dir() and package.files():
                found.append(package)
    return found


def select(
    packages: Sequence[Package], names: Sequence[str] = (), changed: set[Path] | None = None
) -> list[Target]:
    """Group the packages by member; ``names`` keeps only those packages (a member's name keeps
    both of its packages), ``changed`` only the files changed (a member with none drops out)."""
    chosen = [p for p in packages if not names or p.name in names or p.member.path.name in names]
    targets: list[Target] = []
    for member in dict.fromkeys(p.member for p in chosen):
        mine = tuple(p for p in chosen if p.member == member)
        target = Target(member, mine)
        if changed is not None:
            target = Target(member, mine, tuple(f for f in target.files if f in changed))
            if not target.files:
                continue
        targets.append(target)
    return targets


def unknown_names(packages: Sequence[Package], names: Sequence[str]) -> list[str]:
    known = {p.name for p in packages} | {p.member.path.name for p in packages}
    return [name for name in names if name not in known]


def changed_files(root: Path, ref: str) -> set[Path]:
    """Python files changed since ``ref`` (committed, staged, unstaged or untracked)."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            stdin=subprocess.DEVNULL,
        )
        return [line for line in done.stdout.splitlines() if line]

    names = git("diff", "--name-only", ref, "--") + git(
        "ls-files", "--others", "--exclude-standard"
    )
    return {(root / name).resolve() for name in names if name.endswith(".py")}
