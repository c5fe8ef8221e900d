"""Reading [tool.edu.service] declarations, and the one-`edu dev` lock."""

from dataclasses import replace
from pathlib import Path

import pytest

from edu.infra.dev_services import (
    UVICORN_KEEP_ALIVE_SECONDS,
    AlreadyRunning,
    DeclarationError,
    DevLock,
    declared_services,
    read_declaration,
    rust_service_crates,
)
from edu.infra.dev_stack import DevStack
from edu.infra.process_environment import service_links

SERVICE = """
[project]
name = "edu-{name}"

[tool.edu.service]
port = {port}
app = "edu.{name}.entrypoints.asgi:create_app"
database = "{name}"
migrations = "migrations/{name}"
"""


def member(root: Path, name: str, port: int = 8001, table: str | None = None) -> Path:
    folder = root / "services" / "py" / name
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(table or SERVICE.format(name=name, port=port))
    (root / "migrations" / name).mkdir(parents=True, exist_ok=True)
    (root / "migrations" / name / "env.py").touch()
    return folder


URLS = {
    "postgres": "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres",
    "nats": "nats://127.0.0.1:14222",
    "redis": "redis://127.0.0.1:16379/0",
}


class TestDeclarations:
    def test_a_declared_member_becomes_a_service_with_its_own_database_url(
        self, tmp_path: Path
    ) -> None:
        service = read_declaration(tmp_path, member(tmp_path, "course", port=8002))
        assert service is not None
        assert (service.port, service.database, service.url) == (
            8002,
            "course",
            "http://127.0.0.1:8002",
        )
        assert service.migrations == tmp_path / "migrations" / "course"
        assert service.environment(URLS) == {
            "EDU_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:15432/course",
            "EDU_NATS_URL": "nats://127.0.0.1:14222",
            "EDU_REDIS_URL": "redis://127.0.0.1:16379/0",
            "EDU_ENVIRONMENT": "development",
        }

    def test_runs_uvicorn_with_reload_on_loopback(self, tmp_path: Path) -> None:
        service = read_declaration(tmp_path, member(tmp_path, "course", port=8002))
        assert service is not None
        command = service.command()
        assert command[1:4] == ["-m", "uvicorn", "edu.course.entrypoints.asgi:create_app"]
        assert {"--factory", "--reload"} <= set(command)
        assert command[command.index("--host") + 1] == "127.0.0.1"

    def test_uvicorn_keeps_idle_connections_longer_than_its_callers_pool_them(
        self, tmp_path: Path
    ) -> None:
        service = read_declaration(tmp_path, member(tmp_path, "course", port=8002))
        assert service is not None
        for reload in (True, False):
            command = service.command(reload)
            assert "--timeout-keep-alive" in command, "uvicorn would close idle connections at 5 s"
            seconds = int(command[command.index("--timeout-keep-alive") + 1])
            # the gateway pools for 30 s, reqwest for 90 s: the server must outlast both
            assert seconds == UVICORN_KEEP_ALIVE_SECONDS > 90

    def test_a_member_without_the_table_is_not_a_service(self, tmp_path: Path) -> None:
        plain = member(tmp_path, "common", table='[project]\nname = "edu-common"\n')
        assert read_declaration(tmp_path, plain) is None

    def test_a_missing_key_is_named(self, tmp_path: Path) -> None:
        broken = member(tmp_path, "course", table='[tool.edu.service]\ndatabase = "course"\n')
        with pytest.raises(DeclarationError, match="missing port, app, migrations"):
            read_declaration(tmp_path, broken)

    def test_a_service_without_database_and_migrations_gets_no_database_url(
        self, tmp_path: Path
    ) -> None:
        table = '[tool.edu.service]\nport = 8000\napp = "edu.web.pages.asgi:create_app"\n'
        service = read_declaration(tmp_path, member(tmp_path, "web", table=table))
        assert service is not None
        assert (service.database, service.migrations) == (None, None)
        assert "EDU_DATABASE_URL" not in service.environment(URLS)
        assert service.environment(URLS)["EDU_NATS_URL"] == URLS["nats"]

    def test_with_a_mail_server_the_service_learns_its_host_and_port(self, tmp_path: Path) -> None:
        service = read_declaration(tmp_path, member(tmp_path, "notifications", port=8004))
        assert service is not None
        env = service.environment({**URLS, "smtp": "smtp://127.0.0.1:11025"})
        assert (env["EDU_SMTP_HOST"], env["EDU_SMTP_PORT"]) == ("127.0.0.1", "11025")
        assert env["EDU_SMTP_URL"] == "smtp://127.0.0.1:11025"

    def test_without_reload_for_test_and_load_stacks(self, tmp_path: Path) -> None:
        service = read_declaration(tmp_path, member(tmp_path, "course", port=8002))
        assert service is not None
        assert "--reload" not in service.command(reload=False)

    def test_two_services_on_one_port_are_refused(self, tmp_path: Path) -> None:
        members = [member(tmp_path, "course", 8002), member(tmp_path, "enrollment", 8002)]
        with pytest.raises(DeclarationError, match=r"port\(s\) \[8002\]"):
            declared_services(tmp_path, members)


class TestDevLock:
    def test_a_second_holder_is_told_who_runs(self, tmp_path: Path) -> None:
        first = DevLock(tmp_path / "dev.lock")
        first.acquire()
        with pytest.raises(AlreadyRunning, match=r"already running \(pid \d+\)"):
            DevLock(tmp_path / "dev.lock").acquire()
        first.release()

    def test_the_lock_can_be_taken_again_once_released(self, tmp_path: Path) -> None:
        first = DevLock(tmp_path / "dev.lock")
        first.acquire()
        first.release()
        second = DevLock(tmp_path / "dev.lock")
        second.acquire()
        second.release()


class TestServiceLinks:
    def test_every_process_learns_where_every_service_listens(self, tmp_path: Path) -> None:
        services = declared_services(
            tmp_path, [member(tmp_path, "identity", 9101), member(tmp_path, "course", 9102)]
        )
        links = service_links(services)
        assert links["EDU_IDENTITY_SERVICE_URL"] == "http://127.0.0.1:9101"
        assert links["EDU_COURSE_SERVICE_URL"] == "http://127.0.0.1:9102"
        # The name course, enrollment and notifications read identity's keys under.
        assert links["EDU_JWKS_URL"] == "http://127.0.0.1:9101/.well-known/jwks.json"

    def test_the_payment_engine_and_its_sandbox_find_each_other(self, tmp_path: Path) -> None:
        table = RUST_SERVICE.format(name="payment-engine", port=9111) + (
            "\n[package.metadata.edu.companion.payment-provider-sandbox]\nport = 9112\n"
        )
        folder = crate(tmp_path, "payment-engine", 9111, table)
        links = service_links(declared_services(tmp_path, [folder]))
        assert links["EDU_PROVIDER_URL"] == "http://127.0.0.1:9112"
        assert links["EDU_SANDBOX_WEBHOOK_URL"] == "http://127.0.0.1:9111/provider/webhooks"

    def test_the_web_front_end_is_what_emails_link_to(self, tmp_path: Path) -> None:
        table = '[tool.edu.service]\nport = 9100\napp = "edu.web.pages.asgi:create_app"\n'
        web = read_declaration(tmp_path, member(tmp_path, "web", table=table))
        assert web is not None
        assert service_links([web])["EDU_WEB_URL"] == "http://127.0.0.1:9100"


class TestGrpcPorts:
    def test_a_declared_grpc_port_is_served_and_every_process_learns_its_target(
        self, tmp_path: Path
    ) -> None:
        table = SERVICE.format(name="course", port=9102) + "grpc_port = 9902\n"
        course = read_declaration(tmp_path, member(tmp_path, "course", table=table))
        assert course is not None
        assert course.environment(URLS)["EDU_GRPC_PORT"] == "9902"
        assert service_links([course])["EDU_COURSE_GRPC_TARGET"] == "127.0.0.1:9902"

    def test_a_service_without_grpc_gets_no_grpc_settings(self, tmp_path: Path) -> None:
        [identity] = declared_services(tmp_path, [member(tmp_path, "identity", 9101)])
        assert "EDU_GRPC_PORT" not in identity.environment(URLS)
        assert not any(key.endswith("_GRPC_TARGET") for key in service_links([identity]))

    def test_a_grpc_port_that_is_not_a_number_is_refused(self, tmp_path: Path) -> None:
        table = SERVICE.format(name="course", port=9102) + 'grpc_port = "x"\n'
        with pytest.raises(DeclarationError, match="grpc_port must be a number"):
            read_declaration(tmp_path, member(tmp_path, "course", table=table))


RUST_SERVICE = """
[package]
name = "{name}"
version = "0.1.0"

[package.metadata.edu.service]
port = {port}
"""


def crate(root: Path, name: str, port: int, table: str | None = None) -> Path:
    folder = root / "services" / "rs" / name
    folder.mkdir(parents=True)
    (folder / "Cargo.toml").write_text(table or RUST_SERVICE.format(name=name, port=port))
    return folder


class TestRustServices:
    def test_a_crate_under_services_rs_declares_itself_in_its_cargo_metadata(
        self, tmp_path: Path
    ) -> None:
        crate(tmp_path, "api-gateway", 8000)
        (tmp_path / "services" / "rs" / "no-service").mkdir(parents=True)
        (tmp_path / "services" / "rs" / "no-service" / "Cargo.toml").write_text(
            '[package]\nname = "no-service"\n'
        )
        assert declared_services(tmp_path, []) == [], "a crate ran without being asked for"
        [gateway] = declared_services(tmp_path, rust_service_crates(tmp_path))
        assert gateway.crate == "api-gateway"
        assert gateway.environment(URLS)["EDU_PORT"] == "8000"

    def test_dev_watches_the_crate_and_the_shared_crates_tests_run_the_binary(
        self, tmp_path: Path
    ) -> None:
        folder = crate(tmp_path, "api-gateway", 8000)
        [gateway] = declared_services(tmp_path, [folder])
        watched = gateway.command(reload=True)
        assert watched[1:3] == ["-m", "edu.infra.cargo_watch"]
        assert f"--watch={folder}" in watched
        assert f"--watch={tmp_path / 'libs' / 'rs'}" in watched
        assert gateway.command(reload=False)[:2] == ["cargo", "run"]
        built = replace(gateway, binary=tmp_path / "target" / "debug" / "api-gateway")
        assert built.command(reload=False) == [str(tmp_path / "target" / "debug" / "api-gateway")]

    def test_a_crate_may_declare_a_companion_binary_every_stack_runs_beside_it(
        self, tmp_path: Path
    ) -> None:
        table = RUST_SERVICE.format(name="payment-engine", port=8011) + (
            "\n[package.metadata.edu.companion.payment-provider-sandbox]\nport = 8012\n"
        )
        folder = crate(tmp_path, "payment-engine", 8011, table)
        engine, sandbox = declared_services(tmp_path, [folder])
        assert (engine.name, engine.bin) == ("payment-engine", None)
        assert (sandbox.name, sandbox.port, sandbox.bin) == (
            "payment-provider-sandbox",
            8012,
            sandbox.name,
        )
        assert sandbox.crate == "payment-engine"
        assert sandbox.database is None
        assert sandbox.environment(URLS)["EDU_PORT"] == "8012"
        assert sandbox.command(reload=False)[-2:] == ["--bin", "payment-provider-sandbox"]
        assert "--bin=payment-provider-sandbox" in sandbox.command(reload=True)
        built = replace(sandbox, binary=tmp_path / "target" / "debug" / "payment-provider-sandbox")
        assert built.command(reload=False) == [str(built.binary)]

    def test_a_companion_without_a_port_is_refused(self, tmp_path: Path) -> None:
        table = RUST_SERVICE.format(name="payment-engine", port=8011) + (
            "\n[package.metadata.edu.companion.sandbox]\nport = 'soon'\n"
        )
        folder = crate(tmp_path, "payment-engine", 8011, table)
        with pytest.raises(DeclarationError, match=r"companion\.sandbox"):
            declared_services(tmp_path, [folder])

    def test_a_service_declared_through_the_gateway_calls_every_other_service_through_it(
        self, tmp_path: Path
    ) -> None:
        web_table = (
            '[project]\nname = "edu-web"\n[tool.edu.service]\nport = 8000\n'
            'app = "edu.web.asgi:create_app"\nthrough = "api-gateway"\n'
        )
        web = member(tmp_path, "web", table=web_table)
        identity = member(tmp_path, "identity", port=8001)
        course = member(tmp_path, "course", port=8002)
        gateway = crate(tmp_path, "api-gateway", 8080)
        services = declared_services(tmp_path, [web, identity, course, gateway])
        front = DevStack(tmp_path, URLS, services).through_environment(services[0])
        assert front["EDU_IDENTITY_SERVICE_URL"] == "http://127.0.0.1:8080"
        assert front["EDU_COURSE_SERVICE_URL"] == "http://127.0.0.1:8080"
        assert front["EDU_JWKS_URL"] == "http://127.0.0.1:8080/.well-known/jwks.json"
        assert "EDU_WEB_SERVICE_URL" not in front, "web would call itself through the gateway"
        without = [s for s in services if s.crate is None]
        assert DevStack(tmp_path, URLS, without).through_environment(without[0]) == {}, (
            "no gateway running"
        )
        assert DevStack(tmp_path, URLS, services).through_environment(services[1]) == {}, (
            "identity: straight"
        )

    def test_through_must_name_a_service(self, tmp_path: Path) -> None:
        table = '[tool.edu.service]\nport = 8000\napp = "edu.web.asgi:create_app"\nthrough = 1\n'
        with pytest.raises(DeclarationError, match="through"):
            declared_services(tmp_path, [member(tmp_path, "web", table=table)])

    def test_a_port_clash_across_the_languages_is_refused(self, tmp_path: Path) -> None:
        identity = member(tmp_path, "identity", port=8000)
        gateway = crate(tmp_path, "api-gateway", 8000)
        with pytest.raises(DeclarationError, match="8000"):
            declared_services(tmp_path, [identity, gateway])

    def test_a_database_without_migrations_is_named(self, tmp_path: Path) -> None:
        table = RUST_SERVICE.format(name="payment-engine", port=8010) + 'database = "payments"\n'
        engine = crate(tmp_path, "payment-engine", 8010, table)
        with pytest.raises(DeclarationError, match="missing migrations"):
            declared_services(tmp_path, [engine])
