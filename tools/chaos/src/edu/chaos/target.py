"""The stack an experiment acts on, described in a JSON file, and the run's timeline.

`chaos run` executes our actions and probes in its own process, so they cannot hold the
stack's objects: ``edu.chaos.stack`` writes what they need into a stack file (named by
``EDU_CHAOS_STACK``): the folder and ports of the servers ``edu env`` code started, every
process's start specification and current pid, the databases, the fault proxies. An action that
kills a service and starts it again records the new pid there, so the stack's teardown stops
the process that is running now.

Every run also has a folder (``EDU_CHAOS_RUN_DIR``, else one per `chaos run` process beside
the stack file) with its timeline: the actions append what they did and how they proved it
(``fault-start`` / ``fault-end`` with wall-clock times), and the probes judge the background
load against those times.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edu.infra.dev_stack import ProcessSpec

STACK_VARIABLE = "EDU_CHAOS_STACK"
RUN_DIR_VARIABLE = "EDU_CHAOS_RUN_DIR"


class NoStack(RuntimeError):
    """No stack file: the experiments need a running stack (``just test-chaos`` starts one)."""


@dataclass
class Target:
    path: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path | None = None) -> Target:
        path = path or stack_path()
        try:
            return cls(path, json.loads(path.read_text()))
        except FileNotFoundError:
            raise NoStack(
                f"no stack file at {path}: run the experiments with `just test-chaos`, or point "
                f"{STACK_VARIABLE} at the stack file of a running chaos stack"
            ) from None

    def save(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data, indent=2))
        temporary.replace(self.path)  # atomic: a reader never sees half a file

    @property
    def folder(self) -> Path:
        return Path(self.data["folder"])

    @property
    def ports(self) -> dict[str, int]:
        return {name: int(port) for name, port in self.data["ports"].items()}

    @property
    def infrastructure(self) -> dict[str, str]:
        return dict(self.data["infrastructure"])

    @property
    def service_urls(self) -> dict[str, str]:
        """Each process's own URL (the gateway's too): for checks of that process."""
        return dict(self.data["service_urls"])

    @property
    def api_urls(self) -> dict[str, str]:
        """Where a client calls each API (identity, course, ...): the gateway's URL for all of
        them when the stack runs one, as for the platform's users; else each service's own."""
        return dict(self.data.get("api_urls") or self.data["service_urls"])

    def database_url(self, service: str) -> str:
        """The service's database, directly (never through a fault proxy)."""
        return str(self.data["databases"][service])

    def spec(self, name: str) -> ProcessSpec:
        return ProcessSpec.from_json(self.data["processes"][name]["spec"])

    def pid(self, name: str) -> int:
        return int(self.data["processes"][name]["pid"])

    def set_pid(self, name: str, pid: int) -> None:
        self.data["processes"][name]["pid"] = pid
        self.save()

    def port(self, name: str) -> int:
        """A service's or a server's port."""
        return int(self.data["ports"][name])

    def port_of(self, name: str) -> int | None:
        """A process's port, or None for a worker that listens on none (video-transcoder)."""
        port = self.data["ports"].get(name)
        return None if port is None else int(port)

    def proxy(self, name: str) -> dict[str, Any]:
        try:
            return dict(self.data["proxies"][name])
        except KeyError:
            known = ", ".join(sorted(self.data.get("proxies", {}))) or "none"
            raise KeyError(f"no fault proxy named {name!r} (known: {known})") from None


def stack_path() -> Path:
    value = os.environ.get(STACK_VARIABLE)
    if not value:
        raise NoStack(
            f"{STACK_VARIABLE} is not set: run the experiments with `just test-chaos`, which "
            "starts a stack and sets it"
        )
    return Path(value)


def run_dir() -> Path:
    """This run's folder (timeline, load records); made on first use."""
    value = os.environ.get(RUN_DIR_VARIABLE)
    folder = Path(value) if value else stack_path().parent / "runs" / str(os.getpid())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mark(event: str, **details: Any) -> dict[str, Any]:
    """Append an event to this run's timeline; returns it (actions return it to the journal)."""
    entry = {"event": event, "at": time.time(), **details}
    with (run_dir() / "timeline.jsonl").open("a") as timeline:
        timeline.write(json.dumps(entry) + "\n")
    return entry


def timeline(folder: Path | None = None) -> list[dict[str, Any]]:
    path = (folder or run_dir()) / "timeline.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass(frozen=True)
class Window:
    """When a fault was in place: from its injection to its removal (wall-clock seconds).

    ``proven``: when the action had proved the fault in place (the process gone, the port
    closed), if it says; ``removing``: when the action that removed it began (the fault ends
    once the server answers again, ``end``, but may already be gone a moment before). From
    ``held_from`` to ``held_until`` the fault certainly held."""

    kind: str
    start: float
    end: float
    proven: float | None = None
    removing: float | None = None

    @property
    def held_from(self) -> float:
        return self.start if self.proven is None else max(self.start, self.proven)

    @property
    def held_until(self) -> float:
        return self.end if self.removing is None else min(self.end, self.removing)


def fault_windows(events: Sequence[Mapping[str, Any]]) -> list[Window]:
    """Pair each ``fault-start`` with the next ``fault-end`` of the same fault kind; a fault
    never removed lasts until now (the verdict then fails on the errors after it)."""
    windows: list[Window] = []
    open_faults: dict[str, tuple[float, float | None]] = {}
    for event in events:
        kind = str(event.get("fault", ""))
        if event["event"] == "fault-start":
            proven = event.get("proven_at")
            open_faults[kind] = (float(event["at"]), None if proven is None else float(proven))
        elif event["event"] == "fault-end" and kind in open_faults:
            start, proven = open_faults.pop(kind)
            removing = event.get("removing_at")
            end = float(event["at"])
            windows.append(
                Window(kind, start, end, proven, None if removing is None else float(removing))
            )
    now = time.time()
    windows += [Window(kind, start, now, proven) for kind, (start, proven) in open_faults.items()]
    return sorted(windows, key=lambda w: w.start)
