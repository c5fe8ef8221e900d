"""`edu deploy build`'s pure parts: sizes, the smoke command, staging and the measured edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli.deploy import images


def _item(name: str) -> images.Deployable:
    return next(d for d in images.DEPLOYABLES if d.name == name)


class TestImageSize:
    @pytest.mark.parametrize(
        ("text", "mb"),
        [("167 MB", 167.0), ("53.2 MB", 53.2), ("1.5 GB", 1500.0), ("980 kB", 1.0)],
    )
    def test_reads_buildahs_decimal_units(self, text: str, mb: float) -> None:
        assert images.parse_size_mb(text) == mb

    def test_refuses_a_size_it_cannot_read(self) -> None:
        with pytest.raises(images.BuildError, match="unexpected image size"):
            images.parse_size_mb("167 parsecs")


class TestSmokeCommand:
    def test_runs_uvicorn_on_loopback_with_the_bind_address_and_what_start_up_needs(
        self,
    ) -> None:
        argv = images.smoke_argv(_item("identity"), "ctr", 4321)
        tail = argv[argv.index("ctr") :]
        assert tail[:3] == ["ctr", "--", "/app/.venv/bin/python"]
        assert tail[tail.index("--host") + 1] == "127.0.0.1"
        assert tail[tail.index("--port") + 1] == "4321"
        env = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--env"]
        assert "EDU_BIND_ADDRESS=127.0.0.1" in env
        assert any(e.startswith("EDU_DATABASE_URL=") for e in env)
        assert any(e.startswith("EDU_REDIS_URL=") for e in env)

    def test_a_service_without_a_port_argument_gets_it_from_its_setting(self) -> None:
        argv = images.smoke_argv(_item("api-gateway"), "ctr", 4321)
        assert "EDU_PORT=4321" in argv
        assert argv[argv.index("--") + 1 :] == ["/app/service"]
        aggregator = images.smoke_argv(_item("analytics-aggregator"), "ctr", 99)
        assert "EDU_METRICS_PORT=99" in aggregator

    def test_only_a_health_answer_or_a_worker_still_running_passes(self) -> None:
        assert images.smoke_passed("GET /health 200")
        assert images.smoke_passed("no HTTP: still running after 10 s")
        assert not images.smoke_passed("exited 1: ['boom']")
        assert not images.smoke_passed("no answer in 30 s")


class TestChoosing:
    def test_every_deployable_by_default_and_unknown_names_refused(self) -> None:
        assert len(images.choose([])) == 12
        assert [d.name for d in images.choose(["web"])] == ["web"]
        with pytest.raises(images.BuildError, match="unknown deployable"):
            images.choose(["wbe"])

    def test_every_deployable_names_a_file_to_edit_in_its_folder(self) -> None:
        root = Path(__file__).resolve().parents[4]
        for item in images.DEPLOYABLES:
            assert (root / item.folder / item.edited).is_file(), item.name


class TestMeasuredEdit:
    def test_appends_one_comment_line_to_the_staged_copy_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(images, "CACHE", tmp_path)
        item = _item("event-ingestion")
        staged = tmp_path / "context" / item.name / "service" / item.edited
        staged.parent.mkdir(parents=True)
        staged.write_text("fn main() {}\n")
        assert images.edit_one_line(item) == staged
        lines = staged.read_text().splitlines()
        assert lines[0] == "fn main() {}"
        assert len(lines) == 2
        assert lines[1].startswith("// incremental build measurement")

    def test_python_edits_land_under_the_members_folder_in_src(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(images, "CACHE", tmp_path)
        item = _item("course")
        staged = tmp_path / "context" / "course" / "src" / item.folder / item.edited
        staged.parent.mkdir(parents=True)
        staged.write_text('"""app"""\n')
        images.edit_one_line(item)
        assert staged.read_text().splitlines()[1].startswith("# incremental build")


class TestRustSkeleton:
    def test_stubs_every_target_copies_the_real_code_and_settles_the_times(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(images, "CACHE", tmp_path / "cache")
        root = tmp_path / "repo"
        for name in ("Cargo.toml", "Cargo.lock", "rust-toolchain.toml"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(name)
        for crate, files in {
            "libs/rs/common": ["src/lib.rs", "src/settings.rs"],
            "services/rs/api-gateway": ["src/lib.rs", "src/main.rs", "src/bin/bench.rs"],
        }.items():
            (root / crate).mkdir(parents=True)
            (root / crate / "Cargo.toml").write_text("[package]\n")
            for file in files:
                (root / crate / file).parent.mkdir(parents=True, exist_ok=True)
                (root / crate / file).write_text("real code\n")
        context = images.stage_rust(root, _item("api-gateway"))
        skeleton = context / "skeleton"
        assert (skeleton / "services/rs/api-gateway/src/main.rs").read_text() == "fn main() {}\n"
        assert (skeleton / "services/rs/api-gateway/src/bin/bench.rs").exists()
        assert (skeleton / "libs/rs/common/src/lib.rs").read_text() == ""
        stamps = {path.stat().st_mtime for path in [context, *context.rglob("*")]}
        assert stamps == {images.STAGED_MTIME}  # COPY's cache compares times too
        assert not (skeleton / "libs/rs/common/src/settings.rs").exists()
        assert (context / "libs/common/src/settings.rs").read_text() == "real code\n"
        assert (context / "service/src/main.rs").read_text() == "real code\n"


class TestPythonStaging:
    def _repo(self, root: Path, service_table: str) -> None:
        root.mkdir()
        (root / "pyproject.toml").write_text("[tool.uv.workspace]\n")
        (root / "uv.lock").write_text("")
        member = root / "services/py/course"
        (member / "src/edu/course").mkdir(parents=True)
        (member / "src/edu/course/app.py").write_text("app\n")
        (member / "tests").mkdir()
        (member / "tests/test_x.py").write_text("test\n")
        (member / "pyproject.toml").write_text(
            f'[project]\nname = "edu-course"\ndependencies = []\n{service_table}'
        )
        (root / "migrations/course/versions").mkdir(parents=True)
        (root / "migrations/course/env.py").write_text("env\n")
        (root / "migrations/identity").mkdir(parents=True)

    def test_a_service_carries_its_own_migrations_and_no_tests(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(images, "CACHE", tmp_path / "cache")
        root = tmp_path / "repo"
        self._repo(root, '[tool.edu.service]\nmigrations = "migrations/course"\n')
        src = images.stage_python(root, _item("course")) / "src"
        assert (src / "migrations/course/env.py").read_text() == "env\n"
        assert not (src / "migrations/identity").exists()
        assert (src / "services/py/course/src/edu/course/app.py").exists()
        assert not (src / "services/py/course/tests").exists()

    def test_a_member_without_migrations_gets_an_empty_folder_for_copy(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(images, "CACHE", tmp_path / "cache")
        root = tmp_path / "repo"
        self._repo(root, "")
        src = images.stage_python(root, _item("course")) / "src"
        assert list((src / "migrations").iterdir()) == []

    def test_the_real_services_declare_the_migrations_their_images_carry(self) -> None:
        root = Path(__file__).resolve().parents[4]
        declared = {
            item.name: images.declared_migrations(root / item.folder)
            for item in images.DEPLOYABLES
            if item.language == "python"
        }
        assert declared["course"] == "migrations/course"
        assert declared["analytics-api"] == "migrations/analytics"
        assert declared["web"] is None
        assert declared["email-sender"] is None  # a worker runs on notifications' schema
        assert declared["certificate-generator"] == "migrations/certificates"  # its own


class TestReport:
    def test_a_partial_run_replaces_its_rows_and_keeps_the_others_in_order(
        self, tmp_path: Path
    ) -> None:
        def row(name: str, seconds: float) -> images.Result:
            return images.Result(name, seconds, 9.6, "GET /health 200", True, "1.00 1.00 1.00")

        earlier = [row("web", 11.0), row("identity", 20.0)]
        report = tmp_path / "images.json"
        report.write_text(images.to_json(earlier))
        kept = images.merge(images.read_report(report), [row("web", 12.5), row("api-gateway", 1)])
        assert [(r.name, r.seconds) for r in kept] == [
            ("identity", 20.0),
            ("web", 12.5),
            ("api-gateway", 1.0),
        ]

    def test_an_unreadable_report_is_no_report(self, tmp_path: Path) -> None:
        (tmp_path / "images.json").write_text("{not json")
        assert images.read_report(tmp_path / "images.json") == []
        assert images.read_report(tmp_path / "missing.json") == []
