"""The stack file and the run's timeline (edu.chaos.target): fault windows from the timeline,
where a run's folder is, loading and saving the stack file; and the hypothesis tolerance."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from edu.chaos import target as target_module
from edu.chaos.target import (
    RUN_DIR_VARIABLE,
    STACK_VARIABLE,
    NoStack,
    Target,
    Window,
    fault_windows,
    mark,
    run_dir,
    timeline,
)
from edu.chaos.tolerances import holds

# --- fault windows ---------------------------------------------------------------------------


def event(name: str, at: float, fault: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"event": name, "at": at}
    if fault is not None:
        entry["fault"] = fault
    return entry


def test_fault_windows_pair_start_and_end_per_fault_kind() -> None:
    events = [
        event("load-started", 1.0),
        event("fault-start", 10.0, "postgres-down"),
        event("fault-start", 12.0, "nats-down"),
        event("fault-end", 15.0, "postgres-down"),  # ends postgres, not the later nats
        event("outbox-backlog", 16.0),
        event("fault-end", 20.0, "nats-down"),
        event("load-stopped", 30.0),
    ]
    assert fault_windows(events) == [
        Window("postgres-down", 10.0, 15.0),
        Window("nats-down", 12.0, 20.0),
    ]


def test_the_same_fault_twice_makes_two_windows() -> None:
    events = [
        event("fault-start", 10.0, "nats-down"),
        event("fault-end", 15.0, "nats-down"),
        event("fault-end", 16.0, "nats-down"),  # a second removal: no fault was open
        event("fault-start", 30.0, "nats-down"),
        event("fault-end", 35.0, "nats-down"),
    ]
    assert fault_windows(events) == [
        Window("nats-down", 10.0, 15.0),
        Window("nats-down", 30.0, 35.0),
    ]


def test_an_end_without_a_start_is_no_window() -> None:
    assert fault_windows([event("fault-end", 15.0, "nats-down")]) == []
    assert fault_windows([event("load-started", 1.0), event("load-stopped", 2.0)]) == []


def test_a_fault_never_removed_lasts_until_now() -> None:
    started = time.time() - 5
    before = time.time()
    windows = fault_windows([event("fault-start", started, "notifications-down")])
    after = time.time()
    assert len(windows) == 1
    assert windows[0].kind == "notifications-down"
    assert windows[0].start == started
    assert before <= windows[0].end <= after


def test_fault_windows_are_sorted_by_start() -> None:
    # A fault's start can be written after a later one's (actions mark "at" the moment the
    # fault was sent, and write the entry once they proved it).
    events = [
        event("fault-start", 30.0, "enrollment-db-latency"),
        event("fault-start", 5.0, "nats-down"),
        event("fault-end", 35.0, "enrollment-db-latency"),
        event("fault-end", 40.0, "nats-down"),
    ]
    assert [w.kind for w in fault_windows(events)] == ["nats-down", "enrollment-db-latency"]
    unclosed = [event("fault-start", 30.0, "b"), event("fault-start", 20.0, "a")]
    assert [(w.kind, w.start) for w in fault_windows(unclosed)] == [("a", 20.0), ("b", 30.0)]


def test_a_window_knows_when_its_fault_certainly_held() -> None:
    events = [
        {"event": "fault-start", "at": 10.0, "proven_at": 10.4, "fault": "redis-down"},
        {"event": "fault-end", "at": 15.8, "removing_at": 15.0, "fault": "redis-down"},
        event("fault-start", 20.0, "nats-down"),
        event("fault-end", 25.0, "nats-down"),
    ]
    redis, nats = fault_windows(events)
    assert redis == Window("redis-down", 10.0, 15.8, proven=10.4, removing=15.0)
    assert (redis.held_from, redis.held_until) == (10.4, 15.0)
    # an action that proves nothing more: the fault held from its start to its end
    assert (nats.held_from, nats.held_until) == (20.0, 25.0)


# --- the run's folder and timeline -----------------------------------------------------------


def test_mark_appends_to_the_timeline_of_the_run_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "runs" / "01"
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(folder))
    monkeypatch.delenv(STACK_VARIABLE, raising=False)  # the run folder does not need a stack
    assert timeline() == []
    before = time.time()
    first = mark("load-started", pid=3048)
    second = mark("fault-start", at=12.5, fault="nats-down", proof={"port_closed": 4222})
    assert folder.is_dir()
    assert first["event"] == "load-started"
    assert first["pid"] == 3048
    assert before <= first["at"] <= time.time()
    assert second == {
        "event": "fault-start",
        "at": 12.5,
        "fault": "nats-down",
        "proof": {"port_closed": 4222},
    }
    assert timeline() == [first, second]
    assert timeline(folder) == [first, second]
    assert len((folder / "timeline.jsonl").read_text().splitlines()) == 2


def test_timeline_skips_blank_lines_and_reads_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path / "this-run"))
    other = tmp_path / "other-run"
    other.mkdir()
    (other / "timeline.jsonl").write_text(
        '{"event": "a", "at": 1}\n\n  \n{"event": "b", "at": 2}\n'
    )
    assert [e["event"] for e in timeline(other)] == ["a", "b"]
    assert timeline() == []


def test_run_dir_without_its_variable_is_beside_the_stack_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)
    monkeypatch.setenv(STACK_VARIABLE, str(tmp_path / "stack" / "stack.json"))
    folder = run_dir()
    assert folder == tmp_path / "stack" / "runs" / str(os.getpid())
    assert folder.is_dir()


def test_run_dir_without_a_stack_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RUN_DIR_VARIABLE, raising=False)
    monkeypatch.delenv(STACK_VARIABLE, raising=False)
    with pytest.raises(NoStack, match=rf"{STACK_VARIABLE} is not set.*just test-chaos"):
        run_dir()


# --- the stack file --------------------------------------------------------------------------


def stack_data(folder: Path) -> dict[str, Any]:
    return {
        "folder": str(folder),
        "ports": {"enrollment": 8102, "nats": "4222"},
        "infrastructure": {"nats": "nats://127.0.0.1:4222"},
        "service_urls": {"enrollment": "http://127.0.0.1:8102"},
        "databases": {"enrollment": "postgresql://edu@127.0.0.1:5432/enrollment"},
        "processes": {"notifications": {"pid": 41, "spec": {}}},
        "proxies": {"enrollment-db": {"port": 6001, "control": 6002}},
    }


def test_load_without_a_stack_file_says_how_to_start_one(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "stack.json"
    with pytest.raises(NoStack) as raised:
        Target.load(missing)
    message = str(raised.value)
    assert str(missing) in message
    assert "just test-chaos" in message
    assert STACK_VARIABLE in message
    assert raised.value.__cause__ is None  # `from None`: no FileNotFoundError chained


def test_load_reads_the_stack_file_named_by_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(stack_data(tmp_path)))
    monkeypatch.setenv(STACK_VARIABLE, str(path))
    target = Target.load()
    assert target.path == path
    assert target.folder == tmp_path
    assert target.ports == {"enrollment": 8102, "nats": 4222}
    assert target.port("nats") == 4222
    assert target.pid("notifications") == 41
    assert target.database_url("enrollment").endswith("/enrollment")
    assert target.proxy("enrollment-db") == {"port": 6001, "control": 6002}
    with pytest.raises(KeyError, match=r"no fault proxy named 'nats'.*known: enrollment-db"):
        target.proxy("nats")
    # a stack file without a gateway: clients call each service on its own port
    assert target.api_urls == {"enrollment": "http://127.0.0.1:8102"}


def test_clients_call_the_apis_through_the_gateway_when_the_stack_runs_one(
    tmp_path: Path,
) -> None:
    data = stack_data(tmp_path)
    data["service_urls"]["api-gateway"] = "http://127.0.0.1:8180"
    data["api_urls"] = {"enrollment": "http://127.0.0.1:8180"}
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(data))
    target = Target.load(path)
    assert target.api_urls == {"enrollment": "http://127.0.0.1:8180"}
    assert target.service_urls["enrollment"] == "http://127.0.0.1:8102"


def test_set_pid_persists_through_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "stack.json"
    data = stack_data(tmp_path)
    path.write_text(json.dumps(data))
    target = Target.load(path)

    written: list[Path] = []
    write_text = Path.write_text

    def recording_write_text(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        written.append(self)
        return write_text(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", recording_write_text)
    target.set_pid("notifications", 4242)
    monkeypatch.undo()

    # never written in place (a reader would see half a file): written aside, then renamed
    assert written
    assert path not in written
    assert not any(p.exists() for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stack.json"]
    reloaded = Target.load(path)
    assert reloaded.pid("notifications") == 4242
    data["processes"]["notifications"]["pid"] = 4242
    assert reloaded.data == data


def test_the_module_names_its_variables() -> None:
    # the experiments' environment and `just test-chaos` use these exact names
    assert target_module.STACK_VARIABLE == "EDU_CHAOS_STACK"
    assert target_module.RUN_DIR_VARIABLE == "EDU_CHAOS_RUN_DIR"


# --- the hypothesis tolerance ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"ok": True}, True),
        ({"ok": True, "lost": 0, "duplicated": 0}, True),
        ({"ok": False}, False),
        ({"ok": False, "violations": ["enrol -> 500"]}, False),
        ({"ok": 1}, False),  # the probe's own verdict, a bool, not anything truthy
        ({"ok": "yes"}, False),
        ({"lost": 0}, False),
        ({}, False),
        (None, False),
    ],
)
def test_holds_only_on_the_probes_ok_verdict(value: dict[str, Any] | None, expected: bool) -> None:
    assert holds(value) is expected


def test_holds_without_a_value_does_not_hold() -> None:
    assert holds() is False
