"""Per-run facts shared by the fixtures: the run folder and the run's servers."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from edu.infra.components import Component
from edu.infra.embedded_servers import StartError
from edu.infra.launched import LaunchedServer
from edu.infra.selection import NoBackendError
from edu.testing.run_backends import start_test_server
from edu.testing.run_servers import RunServers

RUN_DIR = pytest.StashKey[Path]()
T = TypeVar("T")


def run_servers(config: pytest.Config) -> RunServers:
    return RunServers(config.stash[RUN_DIR])


def run_server(config: pytest.Config, component: Component) -> LaunchedServer:
    """The run's server for ``component``; fails the test (never skips) when none can start."""
    try:
        return run_servers(config).get_or_start(
            component.name, lambda workdir: start_test_server(component, workdir)
        )
    except NoBackendError as exc:
        pytest.fail(str(exc), pytrace=False)
    except (StartError, RuntimeError, OSError) as exc:
        pytest.fail(f"{component.name} for this test run could not start: {exc}", pytrace=False)


def worker_id() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def slug(text: str, length: int = 20) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:length] or "x"


def member_key(test_path: Path, rootdir: Path) -> str:
    """The workspace member a test belongs to: its nearest folder with a pyproject.toml."""
    for folder in test_path.parents:
        if (folder / "pyproject.toml").is_file() or folder == rootdir:
            return folder.name
    return rootdir.name


def run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, wherever an event loop may be running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
