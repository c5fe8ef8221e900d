"""The run's shared servers: started once, found by every worker, swept after a killed run."""

import json
import os
from pathlib import Path

from edu.infra.launched import LaunchedServer
from edu.testing.run_context import member_key, slug
from edu.testing.run_servers import RUN_PREFIX, RunServers, sweep_abandoned_runs
from edu.testing.template_databases import migrations_fingerprint

DEAD_PID = 999_999_999  # above any pid_max


class FakeStarter:
    def __init__(self) -> None:
        self.workdirs: list[Path] = []

    def __call__(self, workdir: Path) -> LaunchedServer:
        self.workdirs.append(workdir)
        return LaunchedServer("redis", "external", "redis://127.0.0.1:1/0")


class TestRunServers:
    def test_the_first_caller_starts_and_later_callers_read_the_record(
        self, tmp_path: Path
    ) -> None:
        start = FakeStarter()
        run = RunServers(tmp_path / f"{RUN_PREFIX}{os.getpid()}-abcd1234")
        first = run.get_or_start("redis", start)
        again = RunServers(run.run_dir).get_or_start("redis", start)
        assert first == again
        assert start.workdirs == [run.run_dir / "redis"]
        assert run.token == "abcd1234"

    def test_stop_all_removes_the_run_folder(self, tmp_path: Path) -> None:
        run = RunServers(tmp_path / f"{RUN_PREFIX}{os.getpid()}-abcd1234")
        run.get_or_start("redis", FakeStarter())
        run.stop_all()
        assert not run.run_dir.exists()


class TestSweepingAbandonedRuns:
    def record(self, folder: Path) -> None:
        folder.mkdir()
        server = LaunchedServer("nats", "embedded", "nats://127.0.0.1:1", pid=DEAD_PID)
        (folder / "nats.json").write_text(json.dumps(server.to_json()))

    def test_a_run_whose_controller_died_is_removed(self, tmp_path: Path) -> None:
        self.record(tmp_path / f"{RUN_PREFIX}{DEAD_PID}-00ff00ff")
        sweep_abandoned_runs(tmp_path)
        assert list(tmp_path.iterdir()) == []

    def test_a_live_run_is_left_alone(self, tmp_path: Path) -> None:
        self.record(tmp_path / f"{RUN_PREFIX}{os.getpid()}-00ff00ff")
        sweep_abandoned_runs(tmp_path)
        assert len(list(tmp_path.iterdir())) == 1


class TestNames:
    def test_a_test_belongs_to_the_member_with_the_nearest_pyproject(self, tmp_path: Path) -> None:
        member = tmp_path / "services" / "py" / "course"
        (member / "tests" / "integration").mkdir(parents=True)
        (member / "pyproject.toml").touch()
        test_file = member / "tests" / "integration" / "test_x.py"
        assert member_key(test_file, rootdir=tmp_path) == "course"

    def test_slugs_are_safe_in_database_names(self) -> None:
        assert slug("email-sender/gw1") == "email_sender_gw1"

    def test_a_changed_migration_changes_the_fingerprint(self, tmp_path: Path) -> None:
        (tmp_path / "env.py").write_text("one")
        before = migrations_fingerprint(tmp_path)
        (tmp_path / "env.py").write_text("two")
        assert migrations_fingerprint(tmp_path) != before
