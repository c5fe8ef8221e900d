"""The experiments' actions: each injects or removes one fault and proves that it did.

An action that cannot prove its effect (the process still there, the port still open, no
latency measurable through the proxy) raises ``InterruptExecution``: chaostoolkit records the
step as failed and writes no fault window, so the load verdict and the layer's test fail instead
of passing over a fault that never happened. Every action
records what it did in the run's timeline (``fault-start`` / ``fault-end``), which the
verdict probes read.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
from chaoslib.exceptions import InterruptExecution

from edu.chaos.probes import measure_round_trip_ms, outbox_backlog, process_alive
from edu.chaos.proxy import ProxyControl
from edu.chaos.target import Target, mark, run_dir, timeline
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.devenv import DevEnvironment
from edu.infra.isolated_stack import embedded_only
from edu.infra.probes import port_in_use, wait_until


def _environment(target: Target) -> DevEnvironment:
    """The ``edu env`` code that started the stack's servers, rebuilt from the stack file."""
    launcher = ProcessLauncher(
        target.folder, nats_monitor_port=None, mail_page_port=target.ports.get("mail-page")
    )
    return DevEnvironment(target.folder, launcher, embedded_only, ports=target.ports)


def kill_process(name: str, sig: str = "SIGKILL") -> dict[str, Any]:
    """Signal a stack process's whole group (default ``kill -9``); proves it is gone and its
    port closed."""
    target = Target.load()
    pid, port = target.pid(name), target.port_of(name)
    if not process_alive(pid):
        raise InterruptExecution(f"{name} (pid {pid}) is not running: nothing to kill")
    offsets = _log_offsets(target)
    hung = _group_stopped(pid)  # paused by pause_process: the kill ends that fault
    begun = time.time()  # the fault window opens when the fault is sent, not when proven
    os.killpg(pid, signal.Signals[sig])
    gone = wait_until(lambda: not process_alive(pid), 10.0)
    # A worker without a port (video-transcoder) has only its process to prove gone.
    closed = port is None or wait_until(lambda: not port_in_use(port), 10.0)
    if not (gone and closed):
        raise InterruptExecution(
            f"{sig} to {name} did not take: process gone {gone}, port {port} closed {closed}"
        )
    if hung:
        mark("fault-end", at=begun, removing_at=begun, fault=f"{name}-hung", action="kill")
    return mark(
        "fault-start",
        at=begun,
        proven_at=time.time(),
        fault=f"{name}-down",
        action="kill",
        signal=sig,
        pid=pid,
        proof={"process_gone": gone, "port_closed": port},
        log_offsets=offsets,
    )


def pause_process(name: str) -> dict[str, Any]:
    """``SIGSTOP`` to a stack process's group: it keeps its port, the kernel still accepts
    connections, but nothing answers (a hung process, or a network path that drops packets).
    Proves every process of the group is stopped and a request to its port gets no answer."""
    target = Target.load()
    pid, port = target.pid(name), target.port(name)
    if not process_alive(pid):
        raise InterruptExecution(f"{name} (pid {pid}) is not running: nothing to pause")
    offsets = _log_offsets(target)
    begun = time.time()
    os.killpg(pid, signal.SIGSTOP)
    stopped = wait_until(lambda: _group_stopped(pid), 5.0)
    silent = stopped and not _answers_http(port, 0.5)
    if not silent:
        os.killpg(pid, signal.SIGCONT)
        raise InterruptExecution(
            f"SIGSTOP to {name} did not take: stopped {stopped}, port {port} silent {silent}"
        )
    return mark(
        "fault-start",
        at=begun,
        proven_at=time.time(),
        fault=f"{name}-hung",
        action="pause",
        pid=pid,
        proof={"stopped": True, "no_answer_on_port": port},
        log_offsets=offsets,
    )


def resume_process(name: str, timeout_s: float = 10.0) -> dict[str, Any]:
    """``SIGCONT`` to a paused stack process's group; proves it answers again."""
    target = Target.load()
    pid, port = target.pid(name), target.port(name)
    removing = time.time()
    os.killpg(pid, signal.SIGCONT)
    answers = wait_until(lambda: _answers_http(port, 1.0), timeout_s, 0.1)
    if not answers:
        raise InterruptExecution(f"{name} did not answer within {timeout_s:g} s of SIGCONT")
    return mark("fault-end", removing_at=removing, fault=f"{name}-hung", action="resume", pid=pid)


def _group_stopped(pid: int) -> bool:
    try:
        group = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
        return all(p.status() == psutil.STATUS_STOPPED for p in group)
    except psutil.NoSuchProcess:
        return False


def _answers_http(port: int, timeout_s: float) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=timeout_s)
    except httpx.HTTPError:
        return False
    return True


def start_process(name: str, timeout_s: float = 30.0) -> dict[str, Any]:
    """Start a stack process again exactly as the stack started it; proves it serves (its port
    answers; a worker without a port: its log says ``<name> started`` again)."""
    target = Target.load()
    spec, port = target.spec(name), target.port_of(name)
    if process_alive(target.pid(name)):
        raise InterruptExecution(f"{name} is still running (pid {target.pid(name)})")
    removing = time.time()
    started = time.monotonic()
    log = spec.log_path
    offset = log.stat().st_size if log is not None and log.is_file() else 0
    child = spec.spawn()
    target.set_pid(name, child.pid)

    def up() -> bool:
        if port is not None:
            return port_in_use(port)
        return log is not None and f"{name} started" in _log_since(log, offset)

    serving = wait_until(lambda: up() or child.poll() is not None, timeout_s)
    if not serving or child.poll() is not None:
        raise InterruptExecution(
            f"{name} did not come back within {timeout_s:g} s (exit {child.poll()}); see {spec.log_path}"
        )
    return mark(
        "fault-end",
        removing_at=removing,
        fault=f"{name}-down",
        action="start",
        pid=child.pid,
        seconds_to_serve=round(time.monotonic() - started, 2),
    )


def stop_server(component: str) -> dict[str, Any]:
    """Stop one of the stack's servers (``nats``, ``postgres``) the way `edu env down` does;
    proves its port is closed."""
    target = Target.load()
    port = target.port(component)
    offsets = _log_offsets(target)
    begun = time.time()
    outcomes = _environment(target).down(only=[component])
    stopped = [o for o in outcomes if o.component == component and o.action == "stopped"]
    closed = wait_until(lambda: not port_in_use(port), 15.0)
    if not stopped or not closed:
        raise InterruptExecution(
            f"{component} did not stop: {outcomes}, port {port} closed {closed}"
        )
    return mark(
        "fault-start",
        at=begun,
        proven_at=time.time(),
        fault=f"{component}-down",
        action="stop",
        proof={"port_closed": port},
        log_offsets=offsets,
    )


def start_server(component: str) -> dict[str, Any]:
    """Start the stopped server again with its data (JetStream store, PostgreSQL cluster)."""
    target = Target.load()
    removing = time.time()
    started = time.monotonic()
    outcomes = [o for o in _environment(target).up() if o.component == component]
    if not outcomes or outcomes[0].action != "started" or not outcomes[0].answers:
        raise InterruptExecution(f"{component} did not start again: {outcomes}")
    return mark(
        "fault-end",
        removing_at=removing,
        fault=f"{component}-down",
        action="start",
        seconds_to_answer=round(time.monotonic() - started, 2),
    )


def add_latency(
    proxy: str,
    latency_ms: float,
    loss: float = 0.0,
    jitter_ms: float = 0.0,
    min_round_trip_ms: float | None = None,
) -> dict[str, Any]:
    """Delay (and stall, for ``loss``) every chunk through a fault proxy, both ways: a round
    trip gains 2x ``latency_ms``. Proves it by timing a query through the proxy."""
    target = Target.load()
    described = target.proxy(proxy)
    control = ProxyControl(described["control_url"])
    baseline = asyncio.run(measure_round_trip_ms(described["database_url"]))
    begun = time.time()
    control.toxics(latency_ms=latency_ms, jitter_ms=jitter_ms, loss=loss, direction="both")
    measured = asyncio.run(measure_round_trip_ms(described["database_url"]))
    expected = min_round_trip_ms if min_round_trip_ms is not None else 2 * latency_ms * 0.9
    if measured < expected:
        control.clear()
        raise InterruptExecution(
            f"latency not present through {proxy}: a round trip took {measured:.0f} ms (expected >= {expected:.0f})"
        )
    return mark(
        "fault-start",
        at=begun,
        fault=f"{proxy}-latency",
        action="latency",
        latency_ms=latency_ms,
        loss=loss,
        proof={
            "round_trip_ms_before": round(baseline, 1),
            "round_trip_ms_with_fault": round(measured, 1),
        },
    )


def remove_latency(proxy: str) -> dict[str, Any]:
    """Back to a plain pass-through; proves the round trip is fast again."""
    target = Target.load()
    described = target.proxy(proxy)
    ended = time.time()
    ProxyControl(described["control_url"]).clear()
    measured = asyncio.run(measure_round_trip_ms(described["database_url"]))
    if measured > 100:
        raise InterruptExecution(f"latency still present through {proxy}: {measured:.0f} ms")
    return mark(
        "fault-end",
        at=ended,
        fault=f"{proxy}-latency",
        action="clear",
        proof={"round_trip_ms": round(measured, 1)},
    )


def start_load(
    users: int = 4,
    pace_s: float = 0.1,
    ready_timeout_s: float = 60.0,
    timeout_s: float = 5.0,
    signed_in: int = 0,
    learners: int = 0,
    learning_batch: int = 20,
) -> dict[str, Any]:
    """Background load (edu.chaos.load) until ``stop_load``; waits until it made its courses.
    ``timeout_s``: how long each user waits for an answer before counting it failed;
    ``signed_in``: students who sign in before the load is ready and then only use their
    token (and the teacher reading a course); ``learners``: signed-in students sending
    learning-event batches of ``learning_batch`` (retried until 202, ``learning.jsonl``)."""
    out = run_dir() / "load"
    out.mkdir(parents=True, exist_ok=True)
    log = (out / "load.log").open("ab")
    try:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "edu.chaos.load",
                "--out",
                str(out),
                "--users",
                str(users),
                "--pace",
                str(pace_s),
                "--timeout",
                str(timeout_s),
                "--signed-in",
                str(signed_in),
                "--learners",
                str(learners),
                "--learning-batch",
                str(learning_batch),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        log.close()
    (out / "pid").write_text(str(child.pid))
    ready = wait_until(
        lambda: (out / "ready").is_file() or child.poll() is not None, ready_timeout_s
    )
    if not ready or child.poll() is not None:
        child.kill()
        raise InterruptExecution(f"the background load did not start; see {out / 'load.log'}")
    return mark(
        "load-started",
        pid=child.pid,
        users=users,
        signed_in=signed_in,
        learners=learners,
        pace_s=pace_s,
        out=str(out),
    )


def stop_load(timeout_s: float = 20.0) -> dict[str, Any]:
    """Stop the background load (it finishes the requests in flight) and count its requests."""
    out = run_dir() / "load"
    pid_file = out / "pid"
    if not pid_file.is_file():
        raise InterruptExecution("no background load was started in this run")
    pid = int(pid_file.read_text())
    try:
        proc = psutil.Process(pid)
        proc.terminate()
        proc.wait(timeout_s)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        os.killpg(pid, signal.SIGKILL)
    pid_file.unlink()
    lines = (
        (out / "requests.jsonl").read_text().count("\n")
        if (out / "requests.jsonl").is_file()
        else 0
    )
    return mark("load-stopped", requests=lines, out=str(out))


def stop_leftovers(folder: Path) -> None:
    """Teardown helper: a load this run started and did not stop (the run was interrupted)."""
    for pid_file in folder.glob("runs/*/load/pid"):
        with contextlib.suppress(ProcessLookupError, ValueError, PermissionError):
            os.killpg(int(pid_file.read_text()), signal.SIGKILL)


def require_backlog(minimum: int = 1) -> dict[str, Any]:
    """During an outage of the broker: at least ``minimum`` events wait in the outboxes (the
    load kept producing them, and the outboxes kept them)."""
    found = outbox_backlog()
    if found["unpublished"] < minimum:
        raise InterruptExecution(
            f"only {found['unpublished']} event(s) wait in the outboxes (expected >= {minimum}): was the broker really down, did the load run?"
        )
    return mark("outbox-backlog", **found)


def require_log_line(name: str, text: str, minimum: int = 1) -> dict[str, Any]:
    """Since the last fault was injected, the stack process ``name`` logged ``text`` at least
    ``minimum`` times: the proof that the fault reached the part it is meant to test (the
    gateway failed to refresh identity's keys, so the keys it verified with had expired)."""
    target = Target.load()
    starts = [e for e in timeline() if e["event"] == "fault-start" and "log_offsets" in e]
    if not starts:
        raise InterruptExecution("no fault was injected in this run: nothing to look for")
    offset = int(starts[-1]["log_offsets"].get(name, 0))
    log = target.spec(name).log_path
    if log is None or not log.is_file():
        raise InterruptExecution(f"{name} has no log to read")
    with log.open("rb") as reading:
        reading.seek(offset)
        found = reading.read().decode(errors="replace").count(text)
    if found < minimum:
        raise InterruptExecution(
            f"{name} logged {text!r} {found} time(s) since the fault (expected >= {minimum}): "
            "the fault did not reach what the experiment tests"
        )
    return mark("log-proof", name=name, text=text, found=found)


def _log_since(log: Path, offset: int) -> str:
    """What a process wrote to its log after ``offset`` (bytes)."""
    if not log.is_file():
        return ""
    with log.open("rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", "replace")


def _log_offsets(target: Target) -> dict[str, int]:
    """How far each stack process's log reaches now (bytes)."""
    offsets: dict[str, int] = {}
    for name in target.data["processes"]:
        log = target.spec(name).log_path
        if log is not None and log.is_file():
            offsets[name] = log.stat().st_size
    return offsets


# Rollbacks: idempotent, each restores one thing whatever state the experiment left.


def ensure_process(name: str) -> dict[str, Any]:
    target = Target.load()
    if process_alive(target.pid(name)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(target.pid(name), signal.SIGCONT)  # a paused one runs again
    port = target.port_of(name)
    if process_alive(target.pid(name)) and (port is None or port_in_use(port)):
        return {"already": "running", "name": name}
    if process_alive(target.pid(name)):
        os.killpg(target.pid(name), signal.SIGKILL)  # alive but not serving: start it afresh
        wait_until(lambda: not process_alive(target.pid(name)), 10.0)
    return start_process(name)


def ensure_servers() -> dict[str, Any]:
    """Every stack server runs (``edu env up`` leaves running ones alone)."""
    outcomes = _environment(Target.load()).up()
    started = [o.component for o in outcomes if o.action == "started"]
    broken = [f"{o.component}: {o.detail}" for o in outcomes if o.action == "failed"]
    if broken:
        raise InterruptExecution(f"servers could not be started again: {broken}")
    return {"started": started}


def ensure_no_latency(proxy: str) -> dict[str, Any]:
    return ProxyControl(Target.load().proxy(proxy)["control_url"]).clear()


def ensure_load_stopped() -> dict[str, Any]:
    if (run_dir() / "load" / "pid").is_file():
        return stop_load()
    return {"already": "stopped"}
