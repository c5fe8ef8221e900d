"""`edu deploy build`'s pure parts: sizes, the smoke command, staging and the measured edit."""

from __future__ import annotations

import socket
import subprocess
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

    def test_a_silent_port_is_given_to_a_client_that_connects_at_start_up(self) -> None:
        argv = images.smoke_argv(_item("feed-builder"), "ctr", 4321, silent=5555)
        assert "EDU_REDIS_URL=redis://127.0.0.1:5555/0" in argv
        assert argv[argv.index("--") + 1 :] == ["/app/service"]
        assert not any(a.startswith("EDU_PORT=") for a in argv)  # a worker without HTTP

    def test_a_silent_port_accepts_and_never_answers(self) -> None:
        with images.silent_port() as port, socket.create_connection(("127.0.0.1", port)) as c:
            c.settimeout(0.2)
            with pytest.raises(TimeoutError):
                c.recv(1)

    def test_only_a_health_answer_or_a_worker_still_running_passes(self) -> None:
        assert images.smoke_passed("GET /health 200")
        assert images.smoke_passed("no HTTP: still running after 10 s")
        assert not images.smoke_passed("exited 1: ['boom']")
        assert not images.smoke_passed("no answer in 30 s")


class TestChoosing:
    def test_every_deployable_by_default_and_unknown_names_refused(self) -> None:
        assert len(images.choose([])) == 19
        assert [d.name for d in images.choose(["web"])] == ["web"]
        with pytest.raises(images.BuildError, match="unknown deployable"):
            images.choose(["wbe"])

    def test_every_deployment_in_the_manifests_has_an_image_built_here(self) -> None:
        root = Path(__file__).resolve().parents[4]
        manifests = {
            path.parent.name
            for path in (root / "deploy/k8s/base").glob("*/deployment.yaml")
            if f"image: eduplatform/{path.parent.name}:" in path.read_text()
        }
        assert "video-transcoder" in manifests
        assert manifests == {d.name for d in images.DEPLOYABLES}

    def test_every_deployable_names_a_file_to_edit_in_its_folder(self) -> None:
        root = Path(__file__).resolve().parents[4]
        for item in images.DEPLOYABLES:
            assert (root / item.folder / item.edited).is_file(), item.name


class TestRuntimes:
    def test_the_transcoder_runs_on_the_ffmpeg_runtime_and_checks_ffmpeg_in_its_image(
        self,
    ) -> None:
        transcoder = _item("video-transcoder")
        assert transcoder.runtime == "runtime-ffmpeg"
        checks = [argv for _, argv in transcoder.image_checks]
        assert ("/usr/bin/ffmpeg", "-hide_banner", "-version") in checks
        assert ("/usr/bin/ffprobe", "-hide_banner", "-version") in checks
        assert images.ENCODE_ONE_SECOND in checks
        # video-processor stores and serves files: no ffmpeg, the distroless runtime
        assert _item("video-processor").runtime == "runtime"

    def test_the_ffmpeg_runtime_is_built_only_when_a_chosen_image_needs_it(self) -> None:
        assert images.base_targets(images.choose(["feed-builder", "web"])) == [
            ("python", "build"),
            ("python", "runtime"),
            ("rust", "build"),
            ("rust", "runtime"),
        ]
        assert ("rust", "runtime-ffmpeg") in images.base_targets(
            images.choose(["video-transcoder"])
        )
        assert images.base_tag("rust", "runtime-ffmpeg") == (
            "localhost/eduplatform/rust-runtime-ffmpeg:bookworm"
        )

    def test_the_dockerfile_has_the_target_the_builder_asks_for(self) -> None:
        root = Path(__file__).resolve().parents[4]
        text = (root / "deploy/docker/rust-base.Dockerfile").read_text()
        for item in images.DEPLOYABLES:
            assert f" AS {item.runtime}\n" in text or item.language == "python", item.name

    def test_an_image_check_that_fails_fails_the_smoke(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def missing(tag: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
            said = f"error: crun: executable file `{argv[0]}` not found\nError: exit status 1"
            return subprocess.CompletedProcess(argv, 1, "", said)

        monkeypatch.setattr(images, "run_in_image", missing)
        monkeypatch.setattr(images, "smoke", lambda item, tag: "no HTTP: still running after 10 s")
        verdict, ok = images.smoke_checks(Path("/nowhere"), _item("video-transcoder"))
        assert not ok
        assert "ffmpeg -version: exited 1" in verdict
        assert "Error: exit status" not in verdict

    def test_image_checks_passing_keep_the_first_words_of_their_output(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def version(tag: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
            if "-version" not in argv:
                return subprocess.CompletedProcess(argv, 0, "", "")
            name = Path(argv[0]).name
            return subprocess.CompletedProcess(
                argv, 0, f"{name} version 5.1.6-0+deb12u1 Copyright\n", ""
            )

        monkeypatch.setattr(images, "run_in_image", version)
        monkeypatch.setattr(images, "smoke", lambda item, tag: "no HTTP: still running after 10 s")
        verdict, ok = images.smoke_checks(Path("/nowhere"), _item("video-transcoder"))
        assert ok
        assert verdict == (
            "no HTTP: still running after 10 s; ffmpeg version 5.1.6-0+deb12u1; "
            "ffprobe version 5.1.6-0+deb12u1; ffmpeg encodes 1 s of test video with libx264"
        )


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
            "workers/rs/feed-builder": ["src/lib.rs", "src/main.rs"],
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
        # the workspace's members are all there (Cargo.toml's globs, Cargo.lock's packages)
        assert (skeleton / "workers/rs/feed-builder/src/main.rs").read_text() == "fn main() {}\n"
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
