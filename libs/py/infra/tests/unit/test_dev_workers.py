"""Reading [tool.edu.worker] declarations (and a Rust worker's [package.metadata.edu.worker]):
the command `edu dev` runs and its environment."""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from edu.infra import cargo_build
from edu.infra.dev_services import DeclarationError, DeclaredService
from edu.infra.dev_stack import DevStack
from edu.infra.dev_workers import declared_workers, read_worker_declaration, rust_worker_crates
from edu.infra.isolated_stack import files_under
from edu.infra.process_environment import service_links

GATEWAY = "api-gateway"

URLS = {
    "postgres": "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres",
    "nats": "nats://127.0.0.1:14222",
    "redis": "redis://127.0.0.1:16379/0",
    "smtp": "smtp://127.0.0.1:11025",
}

EMAIL_SENDER = """
[project]
name = "edu-email-sender"

[tool.edu.worker]
command = ["python", "-m", "edu.email_sender"]
database = "notifications"
"""


def member(root: Path, name: str, table: str) -> Path:
    folder = root / "workers" / "py" / name
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(table)
    return folder


class TestWorkerDeclarations:
    def test_python_is_this_interpreter_and_the_rest_is_kept(self, tmp_path: Path) -> None:
        worker = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert worker.command() == [sys.executable, "-m", "edu.email_sender"]

    def test_the_worker_gets_its_database_and_the_mail_server_in_the_names_it_reads(
        self, tmp_path: Path
    ) -> None:
        worker = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert worker.environment(URLS) == {
            "EDU_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:15432/notifications",
            "EDU_NATS_URL": "nats://127.0.0.1:14222",
            "EDU_REDIS_URL": "redis://127.0.0.1:16379/0",
            "EDU_SMTP_URL": "smtp://127.0.0.1:11025",
            "EDU_SMTP_HOST": "127.0.0.1",
            "EDU_SMTP_PORT": "11025",
            "EDU_ENVIRONMENT": "development",
        }

    def test_a_worker_without_a_database_gets_no_database_url(self, tmp_path: Path) -> None:
        table = '[tool.edu.worker]\ncommand = ["/usr/bin/env", "true"]\n'
        worker = read_worker_declaration(member(tmp_path, "ticker", table))
        assert worker is not None
        assert worker.command() == ["/usr/bin/env", "true"]
        assert "EDU_DATABASE_URL" not in worker.environment(URLS)

    def test_only_members_with_the_table_are_workers(self, tmp_path: Path) -> None:
        members = [
            member(tmp_path, "email-sender", EMAIL_SENDER),
            member(tmp_path, "common", '[project]\nname = "edu-common"\n'),
        ]
        assert [w.name for w in declared_workers(members)] == ["email-sender"]

    @pytest.mark.parametrize(
        "command", ['"python -m edu.email_sender"', "[]", '["python", 3]'], ids=str
    )
    def test_a_command_that_is_not_a_list_of_strings_is_refused(
        self, tmp_path: Path, command: str
    ) -> None:
        table = f"[tool.edu.worker]\ncommand = {command}\n"
        with pytest.raises(DeclarationError, match=r"\[tool.edu.worker\]: command must be"):
            read_worker_declaration(member(tmp_path, "broken", table))

    def test_a_database_name_outside_our_rules_is_refused(self, tmp_path: Path) -> None:
        table = '[tool.edu.worker]\ncommand = ["python"]\ndatabase = "Robert; DROP"\n'
        with pytest.raises(DeclarationError, match="database name"):
            read_worker_declaration(member(tmp_path, "broken", table))


class TestWorkerMigrations:
    TABLE = (
        '[tool.edu.worker]\ncommand = ["python", "-m", "edu.certificate_generator"]\n'
        'database = "certificates"\nmigrations = "migrations/certificates"\n'
    )

    def test_a_worker_with_its_own_schema_names_its_alembic_folder(self, tmp_path: Path) -> None:
        (tmp_path / "migrations" / "certificates").mkdir(parents=True)
        (tmp_path / "migrations" / "certificates" / "env.py").write_text("")
        worker = read_worker_declaration(member(tmp_path, "certificate-generator", self.TABLE))
        assert worker is not None
        assert worker.migrations == tmp_path / "migrations" / "certificates"

    def test_a_migrations_folder_that_is_no_alembic_folder_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(DeclarationError, match="not an Alembic folder"):
            read_worker_declaration(member(tmp_path, "certificate-generator", self.TABLE))

    def test_migrations_without_a_database_are_refused(self, tmp_path: Path) -> None:
        table = '[tool.edu.worker]\ncommand = ["x"]\nmigrations = "migrations/x"\n'
        with pytest.raises(DeclarationError, match="migrations without a database"):
            read_worker_declaration(member(tmp_path, "x", table))

    def test_a_worker_on_anothers_database_has_none(self, tmp_path: Path) -> None:
        worker = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert worker.migrations is None


class TestWorkerHttpServers:
    """A worker with an HTTP API of its own (certificate-generator's downloads) is reached like
    a service: its port in EDU_HTTP_PORT, its URL in every process's EDU_*_SERVICE_URL, and
    through the gateway for a service declared ``through`` it (ADR 0024)."""

    TABLE = (
        '[tool.edu.worker]\ncommand = ["python", "-m", "edu.certificate_generator"]\n'
        'database = "certificates"\nport = 8006\n'
    )

    def test_a_declared_port_is_the_workers_http_port(self, tmp_path: Path) -> None:
        worker = read_worker_declaration(member(tmp_path, "certificate-generator", self.TABLE))
        assert worker is not None
        assert worker.port == 8006
        assert worker.environment(URLS)["EDU_HTTP_PORT"] == "8006"
        assert worker.url == "http://127.0.0.1:8006"

    def test_a_worker_without_a_port_gets_no_http_port(self, tmp_path: Path) -> None:
        worker = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert worker.port is None
        assert "EDU_HTTP_PORT" not in worker.environment(URLS)

    def test_a_port_that_is_not_a_number_is_refused(self, tmp_path: Path) -> None:
        table = '[tool.edu.worker]\ncommand = ["x"]\nport = "8006"\n'
        with pytest.raises(DeclarationError, match="port must be a number"):
            read_worker_declaration(member(tmp_path, "x", table))

    def test_every_process_learns_its_url_and_a_front_end_reaches_it_through_the_gateway(
        self, tmp_path: Path
    ) -> None:
        worker = read_worker_declaration(member(tmp_path, "certificate-generator", self.TABLE))
        mailer = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert mailer is not None
        web = DeclaredService("web", tmp_path, 8000, "edu.web:app", None, None, through=GATEWAY)
        gateway = DeclaredService(GATEWAY, tmp_path, 8080, "", None, None, crate=GATEWAY)
        stack = DevStack(tmp_path, URLS, [web, gateway], [worker, mailer])
        assert stack.serving_workers == [worker]
        assert stack.through_environment(web)["EDU_CERTIFICATE_GENERATOR_SERVICE_URL"] == (
            "http://127.0.0.1:8080"
        )
        direct = service_links([*stack.services, *stack.serving_workers])
        assert direct["EDU_CERTIFICATE_GENERATOR_SERVICE_URL"] == "http://127.0.0.1:8006"
        assert "EDU_EMAIL_SENDER_SERVICE_URL" not in direct

    def test_a_test_stack_keeps_the_workers_pdfs_in_its_own_folder(self, tmp_path: Path) -> None:
        store = Path(files_under(tmp_path)["EDU_CERTIFICATE_STORE_DIR"])
        assert store.is_relative_to(tmp_path), "PDFs would outlive the stack"

    def test_a_test_stack_gives_the_video_services_one_store_of_its_own(
        self, tmp_path: Path
    ) -> None:
        store = Path(files_under(tmp_path)["EDU_VIDEO_STORE_DIR"])
        assert store.is_relative_to(tmp_path), "videos would outlive the stack"


RUST_WORKER = """
[package]
name = "{name}"
version = "0.1.0"

[package.metadata.edu.worker]
"""


def rust_worker(root: Path, name: str, table: str = "") -> Path:
    folder = root / "workers" / "rs" / name
    folder.mkdir(parents=True)
    (folder / "Cargo.toml").write_text(RUST_WORKER.format(name=name) + table)
    return folder


class TestRustWorkers:
    """A crate under workers/rs declares ``[package.metadata.edu.worker]``: `just dev` runs it
    under cargo_watch, the test stacks build it with the Rust services and run its binary."""

    def test_a_crate_under_workers_rs_declares_itself_in_its_cargo_metadata(
        self, tmp_path: Path
    ) -> None:
        rust_worker(tmp_path, "feed-builder")
        plain = tmp_path / "workers" / "rs" / "no-worker"
        plain.mkdir(parents=True)
        (plain / "Cargo.toml").write_text('[package]\nname = "no-worker"\n')
        assert rust_worker_crates(tmp_path) == [plain.parent / "feed-builder", plain]
        [worker] = declared_workers(rust_worker_crates(tmp_path))
        assert (worker.name, worker.crate, worker.is_rust) == ("feed-builder", "feed-builder", True)
        assert worker.description == "feed-builder (Rust)"
        assert worker.environment(URLS)["EDU_NATS_URL"] == URLS["nats"]
        assert "EDU_PORT" not in worker.environment(URLS), "a worker without a port serves none"

    def test_dev_watches_the_crate_and_the_shared_crates_stacks_run_the_binary(
        self, tmp_path: Path
    ) -> None:
        folder = rust_worker(tmp_path, "feed-builder")
        worker = read_worker_declaration(folder)
        assert worker is not None
        watched = worker.command(reload=True)
        assert watched[:3] == [sys.executable, "-m", "edu.infra.cargo_watch"]
        assert "--package=feed-builder" in watched
        assert f"--watch={folder}" in watched
        assert f"--watch={tmp_path / 'libs' / 'rs'}" in watched
        assert worker.command(reload=False)[:2] == ["cargo", "run"]
        built = replace(worker, binary=tmp_path / "target" / "debug" / "feed-builder")
        assert built.command(reload=False) == [str(built.binary)]

    def test_a_stack_without_reload_runs_the_binary(self, tmp_path: Path) -> None:
        worker = read_worker_declaration(rust_worker(tmp_path, "feed-builder"))
        assert worker is not None
        built = replace(worker, binary=tmp_path / "feed-builder")
        stack = DevStack(tmp_path, URLS, [], [built], reload=False)
        assert stack.reload is False
        assert built.command(stack.reload) == [str(tmp_path / "feed-builder")]

    def test_database_migrations_and_port_follow_the_python_rules(self, tmp_path: Path) -> None:
        (tmp_path / "migrations" / "transcodes").mkdir(parents=True)
        (tmp_path / "migrations" / "transcodes" / "env.py").write_text("")
        table = 'database = "transcodes"\nmigrations = "migrations/transcodes"\nport = 8014\n'
        worker = read_worker_declaration(rust_worker(tmp_path, "video-transcoder", table))
        assert worker is not None
        assert worker.migrations == tmp_path / "migrations" / "transcodes"
        env = worker.environment(URLS)
        assert env["EDU_DATABASE_URL"].endswith("/transcodes")
        assert (env["EDU_HTTP_PORT"], env["EDU_PORT"]) == ("8014", "8014"), "edu-common: EDU_PORT"

    @pytest.mark.parametrize(
        ("table", "message"),
        [
            ('port = "8014"\n', "port must be a number"),
            ('migrations = "migrations/x"\n', "migrations without a database"),
            ('command = ["feed-builder"]\n', "no command"),
        ],
        ids=["port", "migrations", "command"],
    )
    def test_a_wrong_table_is_refused_naming_it(
        self, tmp_path: Path, table: str, message: str
    ) -> None:
        folder = rust_worker(tmp_path, "broken", table)
        with pytest.raises(DeclarationError, match=r"\[package\.metadata\.edu\.worker\]") as error:
            read_worker_declaration(folder)
        assert message in str(error.value)

    def test_one_cargo_build_builds_the_rust_services_and_workers(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ran: list[list[str]] = []

        def fake_run(argv: list[str], **_: object) -> subprocess.CompletedProcess[str]:
            ran.append(argv)
            return subprocess.CompletedProcess(argv, 0, "", "")

        monkeypatch.setattr(subprocess, "run", fake_run)
        monkeypatch.delenv("CARGO_TARGET_DIR", raising=False)
        monkeypatch.delenv(cargo_build.PROFILE_VARIABLE, raising=False)
        worker = read_worker_declaration(rust_worker(tmp_path, "feed-builder"))
        mailer = read_worker_declaration(member(tmp_path, "email-sender", EMAIL_SENDER))
        assert worker is not None
        assert mailer is not None
        gateway = DeclaredService(GATEWAY, tmp_path, 8080, "", None, None, crate=GATEWAY)
        services, workers = cargo_build.build_rust(tmp_path, [gateway], [worker, mailer])
        [argv] = ran
        assert argv[argv.index("--profile") + 1] == "dev"
        assert [argv[i + 1] for i, a in enumerate(argv) if a == "--package"] == [
            GATEWAY,
            "feed-builder",
        ]
        debug = tmp_path / "target" / "debug"
        assert services[0].binary == debug / GATEWAY
        assert workers == [replace(worker, binary=debug / "feed-builder"), mailer]

    def test_a_stack_of_one_service_builds_every_crate_of_the_workspace_with_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """One feature set for every stack: a subset would make cargo unify the dependencies'
        features differently and compile them again for each layer's selection."""
        ran: list[list[str]] = []

        def fake_run(argv: list[str], **_: object) -> subprocess.CompletedProcess[str]:
            ran.append(argv)
            return subprocess.CompletedProcess(argv, 0, "", "")

        monkeypatch.setattr(subprocess, "run", fake_run)
        rust_worker(tmp_path, "feed-builder")
        rust_worker(tmp_path, "video-transcoder")
        gateway = DeclaredService(GATEWAY, tmp_path, 8080, "", None, None, crate=GATEWAY)
        services, workers = cargo_build.build_rust(tmp_path, [gateway], [])
        [argv] = ran
        assert [argv[i + 1] for i, a in enumerate(argv) if a == "--package"] == [
            GATEWAY,
            "feed-builder",
            "video-transcoder",
        ]
        assert (len(services), workers) == (1, [])  # built, not started: only what was asked
