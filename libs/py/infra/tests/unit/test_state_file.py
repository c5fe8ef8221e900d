"""The record of what `edu env up` started."""

from pathlib import Path

import pytest

from edu.infra.launched import LaunchedServer
from edu.infra.state import StateError, StateFile


class TestStateFile:
    def test_what_is_saved_is_loaded_back(self, tmp_path: Path) -> None:
        state = StateFile(tmp_path / "env" / "state.json")
        servers = {
            "nats": LaunchedServer(
                "nats",
                "embedded",
                "nats://127.0.0.1:14222",
                pid=42,
                pid_started_at=1.5,
                log_path="/x/nats.log",
            ),
            "postgres": LaunchedServer("postgres", "external", "postgresql+asyncpg://h/db"),
        }
        state.save(servers)
        assert state.load() == servers

    def test_no_file_means_nothing_was_started(self, tmp_path: Path) -> None:
        assert StateFile(tmp_path / "state.json").load() == {}

    def test_saving_nothing_removes_the_file(self, tmp_path: Path) -> None:
        state = StateFile(tmp_path / "state.json")
        state.save({"redis": LaunchedServer("redis", "embedded", "redis://127.0.0.1:16379/0")})
        state.save({})
        assert not state.path.exists()

    def test_a_damaged_file_is_reported_not_guessed_at(self, tmp_path: Path) -> None:
        (tmp_path / "state.json").write_text("{not json")
        with pytest.raises(StateError, match="unreadable"):
            StateFile(tmp_path / "state.json").load()

    def test_unknown_fields_from_a_newer_version_are_ignored(self, tmp_path: Path) -> None:
        (tmp_path / "state.json").write_text(
            '{"version": 1, "servers": {"redis": {"component": "redis", "backend": "embedded",'
            ' "url": "redis://127.0.0.1:16379/0", "future": true}}}'
        )
        assert StateFile(tmp_path / "state.json").load()["redis"].url == "redis://127.0.0.1:16379/0"
