"""The repository as the CLI sees it: its root and its uv workspace members."""

from __future__ import annotations

import glob
import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

REGISTRY_FILE = "layers.toml"


class WorkspaceError(RuntimeError):
    """The repository is not where or what the CLI expects."""


def find_root(start: Path | None = None) -> Path:
    """The repository root: ``EDU_ROOT`` or the nearest folder up with the layer registry."""
    override = os.environ.get("EDU_ROOT")
    if override:
        return Path(override).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / REGISTRY_FILE).is_file() and (folder / "pyproject.toml").is_file():
            return folder
    raise WorkspaceError(
        f"no eduplatform checkout found from {here} upwards (looked for {REGISTRY_FILE})"
    )


@dataclass(frozen=True)
class Member:
    """One uv workspace member (a lib, service, worker or tool)."""

    path: Path
    name: str
    module: str
    dependencies: tuple[str, ...]
    dev_dependencies: tuple[str, ...] = field(default=())
    unused_ok: tuple[str, ...] = field(default=())

    @property
    def src(self) -> Path:
        return self.path / "src"

    @property
    def tests(self) -> Path:
        return self.path / "tests"

    @property
    def kind(self) -> str:
        """libs, services, workers or tools: the top folder it lives in."""
        return self.path.parts[-3] if self.path.parts[-2] == "py" else self.path.parts[-2]


@dataclass
class Workspace:
    root: Path

    @cached_property
    def pyproject(self) -> dict[str, object]:
        with (self.root / "pyproject.toml").open("rb") as fh:
            return tomllib.load(fh)

    @cached_property
    def members(self) -> list[Member]:
        tool = self.pyproject.get("tool", {})
        uv = tool.get("uv", {}) if isinstance(tool, dict) else {}
        patterns = uv.get("workspace", {}).get("members", [])
        found: list[Member] = []
        for pattern in patterns:
            for match in sorted(glob.glob(str(self.root / pattern))):
                path = Path(match)
                if (path / "pyproject.toml").is_file():
                    found.append(_read_member(path))
        return found

    def member_named(self, name: str) -> Member:
        for member in self.members:
            if member.name == name:
                return member
        raise WorkspaceError(f"no workspace member named {name!r}")

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def _read_member(path: Path) -> Member:
    with (path / "pyproject.toml").open("rb") as fh:
        data = tomllib.load(fh)
    project = data.get("project", {})
    tool = data.get("tool", {})
    module = tool.get("uv", {}).get("build-backend", {}).get("module-name")
    if not module:
        raise WorkspaceError(
            f"{path}/pyproject.toml: [tool.uv.build-backend] module-name is missing"
        )
    groups = data.get("dependency-groups", {})
    dev = tuple(d for d in groups.get("dev", []) if isinstance(d, str))
    return Member(
        path=path,
        name=project["name"],
        module=module,
        dependencies=tuple(project.get("dependencies", [])),
        dev_dependencies=dev,
        unused_ok=tuple(tool.get("edu", {}).get("unused-dependencies-ok", [])),
    )
