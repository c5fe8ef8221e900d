"""The repository's projects as every tool under test sees them: members, crates, their edges."""

from __future__ import annotations

import json
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

PY_KINDS = ("libs/py", "services/py", "workers/py", "tools")
# Files every task of a language reads besides its own folder (a change reruns all of them).
GLOBAL_INPUTS = {
    "python": ("pyproject.toml", "uv.lock"),
    "rust": ("Cargo.toml", "Cargo.lock", "rust-toolchain.toml"),
}
# Generated-code projects also read the .proto sources they are generated from.
PROTO_INPUT = "proto/**"
PROTO_PROJECTS = ("edu-proto-gen", "rust:edu-proto-gen", "rust:edu-proto-codegen")


@dataclass(frozen=True)
class Project:
    """One buildable unit: a uv member (``edu-course``) or a crate (``rust:api-gateway``)."""

    name: str
    path: str
    language: str
    package: str
    deps: tuple[str, ...]
    has_unit_tests: bool

    @property
    def tool_id(self) -> str:
        """A name every tool accepts (npm names forbid ':'; edu-common exists in both languages)."""
        return f"rs-{self.package}" if self.language == "rust" else self.package

    @property
    def extra_inputs(self) -> tuple[str, ...]:
        return (PROTO_INPUT,) if self.name in PROTO_PROJECTS else ()

    @property
    def tasks(self) -> tuple[str, ...]:
        if self.language == "rust":
            return ("lint", "build")
        base = ("lint", "typecheck")
        return (*base, "unit", "build") if self.has_unit_tests else (*base, "build")


def project_of_tool_id(tool_id: str) -> str:
    """The name ``edu affected`` uses for a tool's project id."""
    return f"rust:{tool_id.removeprefix('rs-')}" if tool_id.startswith("rs-") else tool_id


def python_projects(root: Path) -> list[Project]:
    found: dict[str, tuple[str, list[str], bool]] = {}
    for kind in PY_KINDS:
        for pyproject in sorted((root / kind).glob("*/pyproject.toml")):
            data = tomllib.loads(pyproject.read_text())
            folder = pyproject.parent
            deps = [_dist_name(d) for d in data["project"].get("dependencies", [])]
            dev = data.get("dependency-groups", {}).get("dev", [])
            deps += [_dist_name(d) for d in dev if isinstance(d, str)]
            rel = folder.relative_to(root).as_posix()
            found[data["project"]["name"]] = (rel, deps, (folder / "tests" / "unit").is_dir())
    return [
        Project(
            name=name,
            path=rel,
            language="python",
            package=name,
            deps=tuple(sorted({d for d in deps if d in found and d != name})),
            has_unit_tests=unit,
        )
        for name, (rel, deps, unit) in sorted(found.items())
    ]


def rust_projects(root: Path, metadata: dict[str, object] | None = None) -> list[Project]:
    if metadata is None:
        out = subprocess.run(
            ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"],
            cwd=root,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        metadata = json.loads(out)
    packages = metadata["packages"]
    if not isinstance(packages, list):
        raise TypeError("cargo metadata: no package list")
    names = {p["name"] for p in packages}
    projects = []
    for package in packages:
        manifest = Path(package["manifest_path"]).resolve()
        deps = sorted({d["name"] for d in package["dependencies"] if d["name"] in names})
        projects.append(
            Project(
                name=f"rust:{package['name']}",
                path=manifest.parent.relative_to(root.resolve()).as_posix(),
                language="rust",
                package=package["name"],
                deps=tuple(f"rust:{d}" for d in deps if d != package["name"]),
                has_unit_tests=False,
            )
        )
    return sorted(projects, key=lambda p: p.name)


def all_projects(root: Path) -> list[Project]:
    return python_projects(root) + rust_projects(root)


def dependents(projects: list[Project], changed: set[str]) -> set[str]:
    """``changed`` and every project that depends on one of them, transitively."""
    reverse: dict[str, set[str]] = {p.name: set() for p in projects}
    for project in projects:
        for dep in project.deps:
            reverse.setdefault(dep, set()).add(project.name)
    seen = set(changed)
    stack = list(changed)
    while stack:
        for user in reverse.get(stack.pop(), set()):
            if user not in seen:
                seen.add(user)
                stack.append(user)
    return seen


def _dist_name(requirement: str) -> str:
    name = requirement
    for stop in "<>=!~;[ (":
        name = name.split(stop, 1)[0]
    return name.strip().lower().replace("_", "-")
