"""The static quality gates: ruff, mypy --strict, import-linter and the dependency check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from edu.cli.depcheck import DistributionMap, check_member, requirement_name
from edu.cli.workspace import Workspace


@dataclass(frozen=True)
class GateOutcome:
    name: str
    ok: bool
    output: str


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> GateOutcome:
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return GateOutcome(" ".join(argv), done.returncode == 0, (done.stdout + done.stderr).strip())


def lint(ws: Workspace, fix: bool = False) -> list[GateOutcome]:
    ruff = [sys.executable, "-m", "ruff"]
    if fix:
        return [
            _run([*ruff, "check", "--fix", "."], ws.root),
            _run([*ruff, "format", "."], ws.root),
        ]
    return [
        _run([*ruff, "check", "--no-fix", "."], ws.root),
        _run([*ruff, "format", "--check", "."], ws.root),
    ]


def typecheck_targets(ws: Workspace) -> list[tuple[str, Path, list[str]]]:
    """(label, working folder, mypy arguments) per member, plus the repository's own tests."""
    targets: list[tuple[str, Path, list[str]]] = []
    for member in ws.members:
        args = ["src"]
        if member.tests.is_dir() and any(member.tests.rglob("*.py")):
            args.append("tests")
        targets.append((member.name, member.path, args))
    if (ws.root / "tests").is_dir():
        targets.append(("repository tests", ws.root, ["tests"]))
    if (ws.root / "e2e").is_dir():
        targets.append(("e2e suite", ws.root, ["e2e"]))
    if (ws.root / "contracts" / "tests").is_dir():
        targets.append(("contract suite", ws.root, ["contracts/tests"]))
    load = ws.root / "load"
    if load.is_dir():
        # The Locust files import `scenarios` from their own folder: checked from there.
        files = sorted(p.name for p in load.glob("*.py")) + [
            d.name for d in sorted(load.iterdir()) if d.is_dir() and any(d.glob("*.py"))
        ]
        targets.append(("load suite", load, files))
    return targets


def typecheck(ws: Workspace, jobs: int = 2, files: list[Path] | None = None) -> list[GateOutcome]:
    """mypy per member; with ``files``, only the members that contain one of them."""
    config = ws.root / "pyproject.toml"
    targets = typecheck_targets(ws)
    if files:
        changed = [f.resolve() for f in files]
        targets = [
            t
            for t in targets
            if any(f.is_relative_to(t[1]) for f in changed)
            and (t[1] != ws.root or any(f.is_relative_to(ws.root / t[2][0]) for f in changed))
        ]

    def cache_of(label: str) -> Path:
        return ws.root / ".mypy_cache" / _folder_name(label)

    def one(target: tuple[str, Path, list[str]]) -> GateOutcome:
        label, cwd, args = target
        env = {**os.environ, "MYPYPATH": "src" if (cwd / "src").is_dir() else ""}
        outcome = _run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(config),
                "--cache-dir",
                str(cache_of(label)),
                *args,
            ],
            cwd,
            env,
        )
        return GateOutcome(f"mypy {label}", outcome.ok, outcome.output)

    outcomes: dict[str, GateOutcome] = {}
    seeds = mypy_seed_folder(os.environ)
    if seeds is not None:
        for label, _, _ in targets:
            if not cache_of(label).is_dir() and (seeds / _folder_name(label)).is_dir():
                shutil.copytree(seeds / _folder_name(label), cache_of(label))
    cold = [t for t in targets if not cache_of(t[0]).is_dir()]
    if len(cold) > 1:
        # A cold start (a fresh clone in CI): every member would analyse the same third-party
        # packages (SQLAlchemy, FastAPI, pydantic, ...) from nothing. Check the member with the
        # most dependencies first, then start each cold member from a copy of its
        # cache: mypy still validates every cached module against its source's hash and the
        # options, so this only skips work it would repeat (web: 10.0 s cold, 2.7 s seeded).
        seed = max(cold, key=lambda t: _dependency_count(ws, t[0]))
        outcomes[seed[0]] = one(seed)
        for label, _, _ in cold:
            if label != seed[0]:
                shutil.copytree(cache_of(seed[0]), cache_of(label))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        rest = [t for t in targets if t[0] not in outcomes]
        outcomes.update(zip([t[0] for t in rest], pool.map(one, rest), strict=True))
    if seeds is not None:
        for label, _, _ in targets:
            keep_seed(cache_of(label), seeds / _folder_name(label))
    return [outcomes[t[0]] for t in targets]


SEED_VARIABLE = "EDU_MYPY_SEED_DIR"


def mypy_seed_folder(env: Mapping[str, str]) -> Path | None:
    """Where the last typecheck on this machine left each member's mypy cache, outside any clone.

    A fresh clone (every CI run) has no .mypy_cache and would analyse every member and the
    third-party packages from nothing (69 s of CPU, beside the Rust lane on our 2 cores); it
    starts from these copies instead, as cargo starts from the shared target folder. mypy
    validates every cached module against its source's hash and the options, so a seed from
    another commit only saves the work that is still valid. ``EDU_MYPY_SEED_DIR`` chooses the
    folder; set to "" it turns seeding off.
    """
    configured = env.get(SEED_VARIABLE)
    if configured is not None:
        return Path(configured) if configured else None
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "eduplatform" / "mypy"


def _folder_name(label: str) -> str:
    return label.replace(" ", "-")


def _newest(folder: Path) -> float:
    return max((f.stat().st_mtime for f in folder.rglob("*") if f.is_file()), default=0.0)


def keep_seed(cache: Path, seed: Path) -> None:
    """Copy a member's cache to the seed folder when it is newer (whole, then swapped in: a
    concurrent run reads the old copy or the new one, never half of one)."""
    if not cache.is_dir() or (seed.is_dir() and _newest(seed) >= _newest(cache)):
        return
    seed.parent.mkdir(parents=True, exist_ok=True)
    fresh = seed.with_name(f".{seed.name}.new-{os.getpid()}")
    old = seed.with_name(f".{seed.name}.old-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(cache, fresh)
    try:
        if seed.is_dir():
            seed.rename(old)
        fresh.rename(seed)
    except OSError:
        pass  # another run swapped its copy in meanwhile: that one stays
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _dependency_count(ws: Workspace, label: str) -> int:
    member = next((m for m in ws.members if m.name == label), None)
    return 0 if member is None else len(member.dependencies) + len(member.dev_dependencies)


def architecture(ws: Workspace) -> list[GateOutcome]:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    return [_run([str(lint_imports), "--config", str(ws.root / "pyproject.toml")], ws.root)]


def deps(ws: Workspace) -> list[GateOutcome]:
    dists = DistributionMap(ws.members)
    groups = ws.pyproject.get("dependency-groups", {})
    dev = groups.get("dev", []) if isinstance(groups, dict) else []
    root_dev = [r for r in dev if isinstance(r, str)]
    root_dev_names = [requirement_name(r) for r in root_dev]
    outcomes = []
    for member in ws.members:
        problems = check_member(member, dists, root_dev_names)
        text = "\n".join(str(p) for p in problems) or "all imports declared, no unused dependencies"
        outcomes.append(GateOutcome(f"deps {member.name}", not problems, text))
    return outcomes


def rust_lint(ws: Workspace, fix: bool = False) -> list[GateOutcome]:
    """rustfmt over every crate, then clippy (pedantic as the workspace sets it) with -D warnings."""
    if fix:
        return [_run(["cargo", "fmt", "--all"], ws.root)]
    return [
        _run(["cargo", "fmt", "--all", "--check"], ws.root),
        _run(
            [
                "cargo",
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ],
            ws.root,
        ),
    ]
