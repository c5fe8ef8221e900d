"""Stopping `edu dev` the way a script or an IDE's stop button does (issue 18 item 8).

They send SIGINT (or SIGTERM) to the whole process group, with no terminal: `just`, `uv run`
and `edu dev` all get it. `uv run` then forwards the SIGINT it got to its child, because
without a terminal it cannot tell that the child got one too: `edu dev` sees the signal twice,
the second while it is stopping. And a command a script starts in the background (`just dev &`)
inherits SIGINT ignored. Either way everything must stop, and `edu dev` must exit 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from edu.infra.probes import wait_until

# A worker that drains for a while when told to stop, so a second signal lands mid-shutdown.
DRAINING_WORKER = """
import os, signal, sys, time
from pathlib import Path

def drain(signum, frame):
    Path("worker-draining").write_text(str(os.getpid()))
    time.sleep(2)
    Path("worker-drained").write_text(str(os.getpid()))
    sys.exit(0)

signal.signal(signal.SIGTERM, drain)
Path("worker-started").write_text(str(os.getpid()))
while True:
    time.sleep(0.2)
"""


def worker_workspace(root: Path) -> None:
    (root / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["workers/py/*"]\n')
    worker = root / "workers" / "py" / "draining"
    worker.mkdir(parents=True)
    (worker / "draining.py").write_text(DRAINING_WORKER)
    (worker / "pyproject.toml").write_text(
        '[project]\nname = "edu-draining"\n[tool.uv.build-backend]\nmodule-name = "draining"\n'
        "[tool.edu.worker]\n"
        'command = ["python", "workers/py/draining/draining.py"]\n'
    )


class DevGroup:
    """`edu dev` leading a process group of its own, started without a terminal."""

    def __init__(self, root: Path, env: dict[str, str], sigint: signal.Handlers) -> None:
        def disposition() -> None:
            signal.signal(signal.SIGINT, sigint)

        self.process = subprocess.Popen(
            [sys.executable, "-m", "edu.cli", "dev"],
            cwd=root,
            env=env,
            text=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=disposition,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def shows(self, text: str, timeout: float = 60) -> bool:
        return wait_until(lambda: text in self.output or self.process.poll() is not None, timeout)

    def signal_group(self, sig: signal.Signals) -> None:
        os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.signal_group(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.mark.parametrize(
    ("sig", "inherited"),
    [
        pytest.param(signal.SIGINT, signal.SIG_DFL, id="sigint-twice"),
        pytest.param(signal.SIGINT, signal.SIG_IGN, id="sigint-twice-started-in-the-background"),
        pytest.param(signal.SIGTERM, signal.SIG_DFL, id="sigterm-twice"),
    ],
)
def test_a_signal_to_the_process_group_stops_everything_even_when_repeated(
    tmp_path: Path,
    dev_env: dict[str, str],
    gone: Callable[[int | None], bool],
    sig: signal.Signals,
    inherited: signal.Handlers,
) -> None:
    worker_workspace(tmp_path)
    dev = DevGroup(tmp_path, {**dev_env, "EDU_ROOT": str(tmp_path)}, inherited)
    try:
        assert dev.shows("Ctrl-C stops everything"), dev.output
        assert wait_until((tmp_path / "worker-started").is_file, 30), dev.output
        dev.signal_group(sig)
        assert wait_until((tmp_path / "worker-draining").is_file, 30), dev.output
        dev.signal_group(sig)  # as `uv run` does: the same signal again, mid-shutdown
        code = dev.process.wait(timeout=60)
    finally:
        dev.kill()
    assert code == 0, dev.output
    assert (tmp_path / "worker-drained").is_file(), dev.output  # waited for, not abandoned
    assert gone(int((tmp_path / "worker-started").read_text()))
    assert "Traceback" not in dev.output, dev.output
    assert (tmp_path / ".edu" / "dev.lock").read_text() == ""  # released
