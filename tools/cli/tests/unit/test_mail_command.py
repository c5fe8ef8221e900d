"""`edu mail` lists and shows what the dev sink stored, reading its folder."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edu.cli.app import app
from edu.infra.launched import LaunchedServer
from edu.infra.state import StateFile
from edu.mailsink.store import MailStore


def message(to: str, subject: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "no-reply@eduplatform.local"
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(f"Body of {subject}")
    return mail.as_bytes()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MailStore:
    monkeypatch.setenv("EDU_ROOT", str(tmp_path))
    monkeypatch.delenv("EDU_MAIL_DIR", raising=False)
    return MailStore(tmp_path / ".edu" / "env" / "mail")


class TestListing:
    def test_says_so_when_nothing_arrived(self, store: MailStore) -> None:
        result = CliRunner().invoke(app, ["mail"])
        assert result.exit_code == 0
        assert "no mail in" in result.output

    def test_lists_the_newest_last_and_filters_by_recipient(self, store: MailStore) -> None:
        store.save("x@y", ["ada@example.org"], message("ada@example.org", "Welcome to eduplatform"))
        store.save("x@y", ["bob@example.org"], message("bob@example.org", "Your certificate"))

        everything = CliRunner().invoke(app, ["mail"])
        for_bob = CliRunner().invoke(app, ["mail", "--to", "BOB@example.org"])

        assert everything.exit_code == 0
        assert everything.output.index("Welcome") < everything.output.index("Your certificate")
        assert "Welcome" not in for_bob.output
        assert "Your certificate" in for_bob.output

    def test_json_output_carries_ids_to_show(self, store: MailStore) -> None:
        saved = store.save("x@y", ["ada@example.org"], message("ada@example.org", "Welcome"))

        listed = CliRunner().invoke(app, ["mail", "--json"])
        shown = CliRunner().invoke(app, ["mail", "show", saved.id])

        assert f'"id": "{saved.id}"' in listed.output
        assert "Subject: Welcome" in shown.output
        assert "Body of Welcome" in shown.output

    def test_when_docker_runs_the_catcher_it_points_at_its_page(self, store: MailStore) -> None:
        catcher = LaunchedServer(
            "smtp", "docker", "smtp://127.0.0.1:11025", page_url="http://127.0.0.1:11080/"
        )
        StateFile(store.folder.parent / "state.json").save({"smtp": catcher})
        result = CliRunner().invoke(app, ["mail"])
        assert result.exit_code == 0
        assert "runs in Docker (mailpit): its mail is on http://127.0.0.1:11080/" in result.output

    def test_an_unknown_id_is_an_error(self, store: MailStore) -> None:
        result = CliRunner().invoke(app, ["mail", "show", "nope"])
        assert result.exit_code == 1
