"""Stopping `edu dev` the way a script or an IDE's stop button does (issue 18 item 8).

They send SIGINT (or SIGTERM) to the whole process group, with no terminal: `just`, `uv run`
and `edu dev` all get it. `uv run` then forwards the SIGINT it got to its child, because
without a terminal it cannot tell that the child got one too: `edu dev` sees the signal twice,
the second while it is stopping. And a command a script starts in the background (`just dev &`)
inherits SIGINT ignored. Either way everything must stop, and `edu dev` must exit 0.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    start_dev: Callable[..., Any],  # conftest.py: a RunningDev
    worker_member: Callable[..., None],
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["workers/py/*"]\n')
    worker_member(tmp_path, "draining", DRAINING_WORKER)
    env = {**dev_env, "EDU_ROOT": str(tmp_path)}
    dev = start_dev(tmp_path, env, sigint=inherited, own_group=True)
    try:
        dev.wait_for("Ctrl-C stops everything")
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
