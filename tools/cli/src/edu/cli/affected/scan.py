"""Reads the graph's edges from the workspace: declared dependencies and actual imports.

Both count because either can be wrong on its own: a declared dependency may be imported
nowhere yet (a driver), and an import may be undeclared until the deps gate catches it. A
selection that trusted only one of them would skip tests that a change can break.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from edu.cli.affected.graph import DependencyGraph, MemberNode
from edu.cli.depcheck import imported_modules, normalize, requirement_name
from edu.cli.workspace import Member, Workspace


class ModuleOwners:
    """``edu.<member>...`` module names -> the distribution name of the member providing them."""

    def __init__(self, members: Iterable[Member]) -> None:
        self._by_module = {member.module: normalize(member.name) for member in members}

    def owners(self, modules: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for module in modules:
            parts = module.split(".")
            if parts[0] != "edu":
                continue
            for length in range(len(parts), 1, -1):
                owner = self._by_module.get(".".join(parts[:length]))
                if owner:
                    found.add(owner)
                    break
        return found

    def imported_by(self, folder: Path) -> set[str]:
        """The members whose modules any Python file under ``folder`` imports."""
        if not folder.is_dir():
            return set()
        return self.owners(imported_modules(sorted(folder.rglob("*.py"))))


def workspace_graph(ws: Workspace) -> tuple[DependencyGraph, ModuleOwners]:
    owners = ModuleOwners(ws.members)
    names = {normalize(member.name) for member in ws.members}
    nodes = []
    for member in ws.members:
        own = normalize(member.name)
        declared = _workspace_names(member.dependencies, names)
        dev = _workspace_names(member.dev_dependencies, names)
        runtime = declared | owners.imported_by(member.src)
        tests = dev | owners.imported_by(member.tests)
        nodes.append(
            MemberNode(
                name=own,
                path=ws.relative(member.path),
                runtime=frozenset(runtime - {own}),
                tests=frozenset(tests - {own}),
            )
        )
    return DependencyGraph(nodes), owners


def _workspace_names(requirements: Iterable[str], members: set[str]) -> set[str]:
    return {name for name in map(requirement_name, requirements) if name in members}


def folder_imports(
    owners: ModuleOwners, root: Path, folders: Iterable[str]
) -> Mapping[str, set[str]]:
    """For suite folders outside any member: which members each one imports."""
    return {folder: owners.imported_by(root / folder) for folder in folders}
