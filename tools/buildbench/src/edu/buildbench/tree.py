"""The measurement tree: a clone of the checkout's HEAD with every tool's configuration.

Nothing here touches the checkout: the clone lives in ~/.cache/eduplatform/buildbench/tree
with its own .venv (``uv sync --all-packages --locked``), its own cargo target and uv cache;
the tools' files are committed on a local branch ``buildbench`` of the clone only, so the
working tree is clean before each scenario and ``edu affected --base HEAD`` sees only it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from edu.buildbench.configs import TOOLS, files_for
from edu.buildbench.graph import Project, all_projects

__all__ = ["Project", "empty_caches", "git", "prepare", "reset_tree"]
from edu.buildbench.runner import Layout, tool_environment

TEMPLATES = Path(__file__).parent / "templates"
# Each tool's own cache (emptied only for its own cold run, so the others stay warm) and the
# caches every tool's tasks share.
TOOL_CACHES = {"turbo": (".turbo",), "nx": (".nx",), "moon": (".moon/cache",), "just+edu": ()}
SHARED_CACHES = (".mypy_cache", ".ruff_cache")


def git(tree: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=tree, check=True, capture_output=True, text=True
    ).stdout


def prepare(
    layout: Layout, checkout: Path, deselect: list[str]
) -> tuple[list[Project], dict[str, dict[str, str]]]:
    """Clone (or refresh) the tree at the checkout's HEAD, install configs, sync the venv."""
    layout.home.mkdir(parents=True, exist_ok=True)
    head = git(checkout, "rev-parse", "HEAD").strip()
    if not (layout.tree / ".git").is_dir():
        subprocess.run(["git", "clone", "--quiet", str(checkout), str(layout.tree)], check=True)
    git(layout.tree, "fetch", "--quiet", str(checkout), head)
    git(layout.tree, "checkout", "--quiet", "-B", "buildbench", head)
    git(layout.tree, "clean", "-fdq")  # untracked only: the ignored .venv and caches stay
    projects = all_projects(layout.tree)
    rendered = {tool: files_for(tool, projects) for tool in TOOLS}
    for files in rendered.values():
        for relative, text in files.items():
            target = layout.tree / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    bench = layout.tree / ".buildbench"
    bench.mkdir(exist_ok=True)
    shutil.copy(TEMPLATES / "task.sh", bench / "task.sh")
    (bench / "deselect.txt").write_text("".join(f"{test}\n" for test in deselect))
    (bench / "env.sh").write_text(
        f"export CARGO_TARGET_DIR='{layout.cargo_target}'\nexport UV_CACHE_DIR='{layout.uv_cache}'\n"
    )
    link = layout.tree / "node_modules"
    if not link.exists():
        link.symlink_to(layout.home / "node" / "node_modules")
    env = tool_environment(layout)
    # turbo reads the npm workspace graph from the lockfile; workspace-only, nothing fetched.
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--ignore-scripts", "--offline", "--no-audit"],
        cwd=layout.tree,
        env=env,
        check=True,
        capture_output=True,
    )
    git(layout.tree, "add", "-A")
    git(
        layout.tree,
        "-c",
        "user.name=buildbench",
        "-c",
        "user.email=buildbench@localhost",
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        "buildbench: tool configurations (measurement tree only)",
    )
    subprocess.run(
        ["uv", "sync", "--all-packages", "--locked", "--quiet"],
        cwd=layout.tree,
        env=env,
        check=True,
    )
    return projects, rendered


def empty_caches(layout: Layout, projects: list[Project], tool: str) -> None:
    """Cold for ``tool``: its cache, the cargo target, mypy/ruff caches, the built wheels, and
    uv's cache entries of the workspace's own packages (third-party wheels stay: re-downloading
    them measures the network, not the build tool)."""
    for relative in (*TOOL_CACHES[tool], *SHARED_CACHES):
        shutil.rmtree(layout.tree / relative, ignore_errors=True)
    shutil.rmtree(layout.cargo_target, ignore_errors=True)
    for project in projects:
        shutil.rmtree(layout.tree / project.path / "dist", ignore_errors=True)
    names = [p.package for p in projects if p.language == "python"]
    subprocess.run(
        ["uv", "cache", "clean", "--quiet", *names],
        env=tool_environment(layout),
        check=True,
    )


def reset_tree(layout: Layout) -> None:
    """Undo a scenario's edit (the tree's branch holds the configurations)."""
    git(layout.tree, "checkout", "--quiet", "--", ".")
