"""kill_process / start_process on a worker without a port (video-transcoder): real processes.

The kill is proved by the process being gone; the start by the worker's own ``<name> started``
log line after it was spawned (a line from before the kill does not count), and a worker that
never says so is a failed start, never a silent pass."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chaoslib.exceptions import InterruptExecution

from edu.chaos import actions
from edu.chaos.probes import process_alive
from edu.chaos.target import RUN_DIR_VARIABLE, STACK_VARIABLE, Target
from edu.infra.dev_stack import ProcessSpec

NAME = "tiny-worker"


def worker_script(says: str) -> str:
    return f"import sys, time\nprint({says!r}, flush=True)\ntime.sleep(600)\n"


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A stack file naming one port-less worker, running; stopped whatever the test left."""
    script = tmp_path / "worker.py"
    script.write_text(worker_script(f"{NAME} started"))
    spec = ProcessSpec(
        NAME, [sys.executable, str(script)], dict(os.environ), tmp_path, tmp_path / "worker.log"
    )
    child = spec.spawn()
    path = tmp_path / "stack.json"
    data = {
        "folder": str(tmp_path),
        "ports": {},
        "processes": {NAME: {"pid": child.pid, "spec": spec.to_json()}},
    }
    path.write_text(json.dumps(data))
    monkeypatch.setenv(STACK_VARIABLE, str(path))
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path / "run"))
    try:
        yield path
    finally:
        for pid in {child.pid, Target.load(path).pid(NAME)}:
            if process_alive(pid):
                os.killpg(pid, signal.SIGKILL)
        child.wait(timeout=10)


def test_a_port_less_worker_is_killed_and_started_again_proved_by_its_log(stack: Path) -> None:
    before = Target.load(stack).pid(NAME)
    killed = actions.kill_process(NAME)
    assert killed["event"] == "fault-start"
    assert killed["proof"] == {"process_gone": True, "port_closed": None}
    assert not process_alive(before)

    started = actions.start_process(NAME, timeout_s=20)
    after = Target.load(stack).pid(NAME)
    assert started["event"] == "fault-end"
    assert after != before
    assert process_alive(after)
    assert actions.ensure_process(NAME) == {"already": "running", "name": NAME}


def test_a_worker_that_never_says_it_started_is_a_failed_start(stack: Path, tmp_path: Path) -> None:
    actions.kill_process(NAME)
    (tmp_path / "worker.py").write_text(worker_script("still warming up"))  # no start line
    with pytest.raises(InterruptExecution, match="did not come back"):
        actions.start_process(NAME, timeout_s=2)
