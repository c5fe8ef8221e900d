"""The workspace dependency graph and its reverse closure.

Edges come in two strengths. A *runtime* edge (``[project] dependencies`` or an import in
``src``) carries a change onwards: when edu-db changes, every service running edu-db's code has
changed too, and so has everything running theirs. A *test* edge (the dev group or an import
in ``tests``) stops after one hop: web's tests import notifications, so they must run when
notifications' code changes, but nothing built on web's *tests* exists.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PYTHON, RUST = "python", "rust"


@dataclass(frozen=True)
class MemberNode:
    """One workspace member and the members it uses, by distribution name."""

    name: str
    path: str  # relative to the repository root
    runtime: frozenset[str] = field(default=frozenset())
    tests: frozenset[str] = field(default=frozenset())
    language: str = PYTHON  # "python" (a uv member) or "rust" (a Cargo crate)


@dataclass(frozen=True)
class Affected:
    """Members whose code changed (directly or through a dependency) and members to test."""

    code: Mapping[str, str]  # member -> why its code counts as changed
    tested: Mapping[str, str]  # member -> why its tests must run (includes every code member)


class DependencyGraph:
    def __init__(
        self,
        nodes: Iterable[MemberNode],
        readers: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """``readers``: data folders outside every member (``migrations/analytics``) -> the
        members that use them -> ``code`` (their deployable runs on it) or ``tests``."""
        self.nodes = {node.name: node for node in nodes}
        self.readers = {
            folder: {name: kind for name, kind in users.items() if name in self.nodes}
            for folder, users in (readers or {}).items()
        }
        self._users: dict[str, set[str]] = {name: set() for name in self.nodes}
        for node in self.nodes.values():
            for used in node.runtime:
                self._users.setdefault(used, set()).add(node.name)

    def affected(
        self, changed_code: Mapping[str, str], changed_tests: Mapping[str, str]
    ) -> Affected:
        """Close ``changed_code`` over runtime users, then add one hop of test users.

        Both arguments map a member to the reason it is in the change set.
        """
        code: dict[str, str] = {n: why for n, why in changed_code.items() if n in self.nodes}
        queue = deque(sorted(code))
        while queue:
            current = queue.popleft()
            for user in sorted(self._users.get(current, ())):
                if user not in code:
                    code[user] = f"runs {current}'s code"
                    queue.append(user)
        tested = dict(code)
        for name, why in changed_tests.items():
            if name in self.nodes:
                tested.setdefault(name, why)
        for node in sorted(self.nodes.values(), key=lambda n: n.name):
            hits = sorted(node.tests & code.keys())
            if node.name not in tested and hits:
                tested[node.name] = f"its tests use {hits[0]}"
        return Affected(code=code, tested=tested)

    def owner_of(self, path: str) -> MemberNode | None:
        """The member whose folder holds ``path`` (the deepest one, should members nest)."""
        best: MemberNode | None = None
        for node in self.nodes.values():
            inside = path == node.path or path.startswith(node.path + "/")
            if inside and (best is None or len(node.path) > len(best.path)):
                best = node
        return best

    def by_folder_name(self, folder: str) -> MemberNode | None:
        """The member whose folder is called ``folder`` (``notifications``, ``proto-gen``);
        a Python member before a Rust crate of the same folder name (``libs/rs/common``)."""
        ordered = sorted(self.nodes.values(), key=lambda node: node.language != PYTHON)
        for node in ordered:
            if node.path.rsplit("/", 1)[-1] == folder:
                return node
        return None

    def readers_of(self, folder: str) -> list[tuple[str, str]]:
        """(member, ``code`` or ``tests``) for each member using the data folder ``folder``."""
        return sorted(self.readers.get(folder, {}).items())

    def of_language(self, language: str) -> list[MemberNode]:
        return sorted(
            (node for node in self.nodes.values() if node.language == language),
            key=lambda node: node.name,
        )

    def by_path(self, path: str) -> MemberNode | None:
        return next((node for node in self.nodes.values() if node.path == path), None)
