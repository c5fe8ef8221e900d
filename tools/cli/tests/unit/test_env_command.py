"""`edu env` as a user sees it, with no server started (externals and missing backends only)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from edu.cli.app import app
from edu.infra.probes import free_port


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDU_ROOT", str(tmp_path))
    monkeypatch.setenv("EDU_INFRA_DOCKER", "off")
    for name in ("EDU_DATABASE_URL", "EDU_NATS_URL", "EDU_REDIS_URL", "EDU_SMTP_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def closed_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """External servers on ports nobody listens on."""
    monkeypatch.setenv("EDU_DATABASE_URL", f"postgresql+asyncpg://ci@127.0.0.1:{free_port()}/x")
    monkeypatch.setenv("EDU_NATS_URL", f"nats://127.0.0.1:{free_port()}")
    monkeypatch.setenv("EDU_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    monkeypatch.setenv("EDU_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")


class TestStatus:
    def test_without_any_backend_says_what_to_install(
        self, repo: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("EDU_INFRA_EMBEDDED", "off")
        result = CliRunner().invoke(app, ["env", "status"])
        assert result.exit_code == 0
        assert result.output.count("unavailable") == 4
        assert "postgres: No postgres backend can start" in result.output
        assert "uv sync --all-packages" in result.output
        assert "smtp: No smtp backend can start: EDU_SMTP_URL is not set" in result.output

    def test_external_servers_show_their_url_and_that_they_do_not_answer(
        self, repo: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        closed_urls(monkeypatch)
        result = CliRunner().invoke(app, ["env", "status"])
        lines = [line.split() for line in result.output.splitlines()[1:]]
        assert [(ln[0], ln[1], ln[3]) for ln in lines] == [
            ("postgres", "external", "no"),
            ("nats", "external", "no"),
            ("redis", "external", "no"),
            ("smtp", "external", "no"),
        ]


class TestUpAndDown:
    def test_up_fails_when_an_external_server_does_not_answer_and_down_forgets_it(
        self, repo: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        closed_urls(monkeypatch)
        up = CliRunner().invoke(app, ["env", "up"])
        assert up.exit_code == 1
        assert (repo / ".edu" / "env" / "state.json").is_file()
        down = CliRunner().invoke(app, ["env", "down"])
        assert down.exit_code == 0
        assert not (repo / ".edu" / "env" / "state.json").exists()

    def test_down_with_nothing_started_says_so(self, repo: Path) -> None:
        result = CliRunner().invoke(app, ["env", "down"])
        assert result.exit_code == 0
        assert "nothing to stop" in result.output


class TestLogs:
    def test_an_unknown_component_is_refused(self, repo: Path) -> None:
        result = CliRunner().invoke(app, ["env", "logs", "kafka"])
        assert result.exit_code == 2
