"""Reads the graph's edges from the workspace: declared dependencies and actual imports.

Both count because either can be wrong on its own: a declared dependency may be imported
nowhere yet (a driver), and an import may be undeclared until the deps gate catches it. A
selection that trusted only one of them would skip tests that a change can break.
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
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
    readers = migration_readers(ws.root, ws.members)
    crates = cargo_nodes(ws.root)
    for folder, crate in rust_migration_readers(ws.root, crates).items():
        for name in crate:
            readers.setdefault(folder, {})[name] = "code"
    return DependencyGraph([*nodes, *crates], readers), owners


def rust_migration_readers(root: Path, crates: Iterable[MemberNode]) -> dict[str, set[str]]:
    """``migrations/<db>`` -> the Rust crates whose ``[package.metadata.edu.service]`` declares
    the folder or its database (payment-engine on ``migrations/payments``: its tests build their
    template database from the folder's SQL, the stacks migrate it)."""
    found: dict[str, set[str]] = {}
    for crate in crates:
        try:
            manifest = tomllib.loads((root / crate.path / "Cargo.toml").read_text())
        except (OSError, tomllib.TOMLDecodeError):
            continue
        service = manifest.get("package", {}).get("metadata", {}).get("edu", {}).get("service")
        if not isinstance(service, dict):
            continue
        folders = set()
        declared = service.get("migrations")
        if isinstance(declared, str) and declared.startswith(MIGRATIONS + "/"):
            folders.add(declared.strip("/"))
        database = service.get("database")
        if isinstance(database, str):
            folders.add(f"{MIGRATIONS}/{database}")
        for folder in folders:
            if (root / folder).is_dir():
                found.setdefault(folder, set()).add(crate.name)
    return found


MIGRATIONS = "migrations"
# A test naming a migrations folder: `REPO / "migrations" / "analytics"`, or the folder's path
# as one string literal.
_MIGRATIONS_NAMED = re.compile(
    r"""["']migrations["']\s*/\s*["']([\w.-]+)["']|["']migrations/([\w.-]+)"""
)


def migration_readers(root: Path, members: Iterable[Member]) -> dict[str, dict[str, str]]:
    """``migrations/<db>`` -> member -> ``code`` or ``tests``: a member whose ``[tool.edu.service]``
    declares the folder, or whose service or worker table names its database, runs on that
    schema (code); a member whose tests name the folder migrates a test database from it
    (tests). The folder's name alone misses analytics-api (its database is ``analytics``), the
    aggregator and email-sender (workers on another's database) and web's tests."""
    readers: dict[str, dict[str, str]] = {}

    def add(db: str, member: str, kind: str) -> None:
        folder = f"{MIGRATIONS}/{db}"
        if not (root / folder).is_dir():
            return
        users = readers.setdefault(folder, {})
        if users.get(member) != "code":
            users[member] = kind

    for member in members:
        name = normalize(member.name)
        for table in _deployment_tables(member.path / "pyproject.toml"):
            declared = table.get("migrations")
            if isinstance(declared, str) and declared.startswith(MIGRATIONS + "/"):
                add(declared.removeprefix(MIGRATIONS + "/").strip("/"), name, "code")
            database = table.get("database")
            if isinstance(database, str):
                add(database, name, "code")
        for db in _migrations_named(member.tests):
            add(db, name, "tests")
    return readers


def _deployment_tables(pyproject: Path) -> list[Mapping[str, object]]:
    try:
        data = tomllib.loads(pyproject.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return []
    edu = data.get("tool", {}).get("edu", {})
    tables = [edu.get(kind) for kind in ("service", "worker")] if isinstance(edu, dict) else []
    return [table for table in tables if isinstance(table, dict)]


def _migrations_named(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    found: set[str] = set()
    for path in sorted(folder.rglob("*.py")):
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError):
            continue
        for quoted, slashed in _MIGRATIONS_NAMED.findall(text):
            found.add(quoted or slashed)
    return found


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
