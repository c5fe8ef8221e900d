"""Reading [tool.edu.worker] declarations: the command `edu dev` runs and its environment."""

import sys
from pathlib import Path

import pytest

from edu.infra.dev_services import DeclarationError, DeclaredService
from edu.infra.dev_stack import DevStack
from edu.infra.dev_workers import declared_workers, read_worker_declaration
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
