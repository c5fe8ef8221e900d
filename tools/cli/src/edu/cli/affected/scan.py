"""Reads the graph's edges from the workspace: declared dependencies and actual imports.

Both count because either can be wrong on its own: a declared dependency may be imported
nowhere yet (a driver), and an import may be undeclared until the deps gate catches it. A
selection that trusted only one of them would skip tests that a change can break.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from edu.cli.affected.graph import RUST, DependencyGraph, MemberNode
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
    return DependencyGraph([*nodes, *cargo_nodes(ws.root)]), owners


RUST_NODE_PREFIX = "rust:"  # crate names may equal distribution names (edu-common)


def cargo_nodes(root: Path) -> list[MemberNode]:
    """The Cargo workspace's crates (``cargo metadata``): normal and build dependencies on other
    crates are runtime edges, dev-dependencies test edges. No Cargo.toml or no cargo: none."""
    if not (root / "Cargo.toml").is_file():
        return []
    try:
        done = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError:
        return []
    if done.returncode != 0:
        return []
    return crate_nodes(json.loads(done.stdout), root)


def crate_nodes(metadata: Mapping[str, object], root: Path) -> list[MemberNode]:
    packages = metadata.get("packages", [])
    assert isinstance(packages, list)  # noqa: S101 - cargo's documented format
    names = {package["name"] for package in packages}
    nodes = []
    for package in packages:
        path = Path(package["manifest_path"]).parent.resolve().relative_to(root.resolve())
        local = [d for d in package["dependencies"] if d["name"] in names and d.get("path")]
        runtime = {d["name"] for d in local if d.get("kind") in (None, "build")}
        tests = {d["name"] for d in local if d.get("kind") == "dev"}
        nodes.append(
            MemberNode(
                name=RUST_NODE_PREFIX + package["name"],
                path=path.as_posix(),
                runtime=frozenset(RUST_NODE_PREFIX + name for name in runtime),
                tests=frozenset(RUST_NODE_PREFIX + name for name in tests),
                language=RUST,
            )
        )
    return nodes


def crate_name(node: MemberNode) -> str:
    return node.name.removeprefix(RUST_NODE_PREFIX)


def _workspace_names(requirements: Iterable[str], members: set[str]) -> set[str]:
    return {name for name in map(requirement_name, requirements) if name in members}


def folder_imports(
    owners: ModuleOwners, root: Path, folders: Iterable[str]
) -> Mapping[str, set[str]]:
    """For suite folders outside any member: which members each one imports."""
    return {folder: owners.imported_by(root / folder) for folder in folders}
