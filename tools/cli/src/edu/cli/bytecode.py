"""``edu compile``: every module's bytecode written at install time, not on the first test run.

Where ``PYTHONDONTWRITEBYTECODE`` is set (our CI machines set it), Python reads ``.pyc`` files
but never writes them, so every process compiles each module it imports from source: ~6 s of a
unit run. `just setup` runs this after ``uv sync --compile-bytecode`` (the installed packages):

1. ``compileall`` over the workspace's own sources (members' ``src``, migrations, load/);
2. pytest ``--collect-only`` over the fast layers (unit, integration), which writes the
   assertion-rewritten test modules and conftests pytest would otherwise rewrite every run.

Both only add ``__pycache__`` folders (ignored by git); a stale one is checked by its source's
timestamp and size and recompiled in memory, so an edit after setup never runs old code.
Rerun it (`just compile`) after pulling many changes on a machine that does not write bytecode.
"""

from __future__ import annotations

import compileall
import os
import subprocess
import sys
from pathlib import Path

from edu.cli.registry import Registry

SOURCE_GLOBS = (
    "libs/py/*/src",
    "services/py/*/src",
    "workers/py/*/src",
    "tools/*/src",
    "migrations",
    "load",
)
WARMED_LAYERS = ("unit", "integration")


def compile_sources(root: Path) -> bool:
    folders = sorted({p for pattern in SOURCE_GLOBS for p in root.glob(pattern) if p.is_dir()})
    return all(
        compileall.compile_dir(folder, quiet=1, workers=0, force=False) for folder in folders
    )


def warm_test_modules(root: Path, registry: Registry) -> list[tuple[str, int]]:
    """(layer, pytest's exit code) for each collection; 0 and 5 (nothing to collect) are fine."""
    outcomes = []
    for name in WARMED_LAYERS:
        layer = registry.get(name)
        argv = [sys.executable, "-m", "pytest", *layer.expand_paths(root), "--collect-only"]
        argv += ["-q", "-p", "no:cacheprovider", *layer.plugin_arguments()]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(layer.plugin_environment())
        done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)
        outcomes.append((name, done.returncode))
    return outcomes
