"""Undeclared- and unused-dependency check for workspace members.

One virtualenv holds every member's dependencies, so a member can import a package it never
declared and still work here — until it is installed alone. This check parses every import in
a member's ``src`` (against ``[project] dependencies``) and ``tests`` (against those plus the
member's and the root's ``dev`` groups) and maps each to the distribution that provides it.
The ``edu`` namespace is resolved per workspace member: ``edu.common`` means ``edu-common``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

from edu.cli.workspace import Member

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = _NAME.match(requirement)
    if not match:
        raise ValueError(f"cannot read a package name from {requirement!r}")
    return normalize(match.group(1))


@dataclass(frozen=True)
class DepProblem:
    member: str
    kind: str  # undeclared | unused
    package: str
    where: str

    def __str__(self) -> str:
        if self.kind == "undeclared":
            return f"{self.member}: imports {self.package!r} ({self.where}) but does not declare it"
        return f"{self.member}: declares {self.package!r} but never imports it ({self.where})"


def imported_modules(files: Iterable[Path]) -> dict[str, str]:
    """Absolute imported module names -> the first file:line importing them."""
    found: dict[str, str] = {}
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.setdefault(alias.name, f"{path}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.setdefault(node.module, f"{path}:{node.lineno}")
    return found


@cache
def _installed() -> Mapping[str, list[str]]:
    """Import name -> distributions of what is installed: reading every METADATA file takes
    ~0.1 s, and nothing installs packages while the gate runs."""
    return packages_distributions()


class DistributionMap:
    """Import name -> distribution names, for installed packages and workspace members."""

    def __init__(self, members: Iterable[Member], extra: Mapping[str, list[str]] | None = None):
        self._top = {k: [normalize(d) for d in v] for k, v in _installed().items()}
        if extra:
            self._top.update({k: [normalize(d) for d in v] for k, v in extra.items()})
        self._namespace = {m.module: normalize(m.name) for m in members}

    def distributions(self, module: str) -> list[str] | None:
        """None for the standard library; [] when nothing installed provides it."""
        top = module.split(".")[0]
        if top in sys.stdlib_module_names or top == "__future__":
            return None
        if top == "edu":
            parts = module.split(".")
            for length in range(len(parts), 1, -1):
                owner = self._namespace.get(".".join(parts[:length]))
                if owner:
                    return [owner]
            return []
        return self._top.get(top, [])


def check_member(
    member: Member,
    dists: DistributionMap,
    root_dev: Iterable[str],
    ignore_modules: Iterable[str] = (),
) -> list[DepProblem]:
    own = normalize(member.name)
    declared = {requirement_name(r) for r in member.dependencies}
    dev = declared | {requirement_name(r) for r in (*member.dev_dependencies, *root_dev)}
    problems: list[DepProblem] = []
    used: set[str] = set()
    local_tests = {p.stem for p in member.tests.rglob("*.py")} if member.tests.is_dir() else set()
    skip = set(ignore_modules)
    for folder, allowed in ((member.src, declared), (member.tests, dev)):
        if not folder.is_dir():
            continue
        for module, where in sorted(imported_modules(folder.rglob("*.py")).items()):
            if module.split(".")[0] in local_tests | skip:
                continue
            candidates = dists.distributions(module)
            if candidates is None or own in (candidates or []):
                continue
            hit = [c for c in candidates if c in allowed]
            if hit:
                if folder == member.src:
                    used.update(hit)
                continue
            problems.append(DepProblem(member.name, "undeclared", module, where))
    for name in sorted(declared - used - {normalize(n) for n in member.unused_ok}):
        problems.append(
            DepProblem(
                member.name,
                "unused",
                name,
                "list it under [tool.edu] unused-dependencies-ok if it is needed at run time",
            )
        )
    return problems
