"""`edu mail` lists and shows what the dev sink stored, reading its folder."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edu.cli import mail
from edu.cli.app import app
from edu.cli.mail_queue import QueueUnreadable
from edu.email_queue import UndeliveredEmail
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


SMTPUTF8_REASON = "the SMTP server cannot take this email: SMTPUTF8 is not offered"


def undelivered(to: str, *, abandoned: bool, attempts: int = 1) -> UndeliveredEmail:
    at = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    return UndeliveredEmail(
        id=uuid.uuid4(),
        kind="welcome",
        to_address=to,
        subject="Welcome to eduplatform",
        attempts=attempts,
        last_error=SMTPUTF8_REASON if abandoned else "451 try again later",
        created_at=at,
        next_attempt_at=at,
        abandoned_at=at if abandoned else None,
    )


class FakeQueue:
    """Stands in for reading notifications' email queue (edu.cli.mail_queue)."""

    def __init__(self) -> None:
        self.emails: list[UndeliveredEmail] = []
        self.unreadable = False

    def __call__(self, url: str | None, last: int) -> list[UndeliveredEmail]:
        if self.unreadable:
            raise QueueUnreadable("the dev PostgreSQL (postgresql://x) does not answer")
        return self.emails[-last:]


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> FakeQueue:
    fake = FakeQueue()
    monkeypatch.setattr(mail, "undelivered_mail", fake)
    return fake


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, queue: FakeQueue) -> MailStore:
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

    def test_a_long_subject_stays_on_its_row(self, store: MailStore) -> None:
        subject = "You are enrolled in Introduction to Distributed Systems, Consensus and Failures"
        store.save("x@y", ["ada@example.org"], message("ada@example.org", subject))

        result = CliRunner().invoke(app, ["mail"])

        assert result.output.splitlines()[1].endswith(subject)


class TestUndelivered:
    def test_lists_what_was_not_delivered_below_the_received_mail_with_the_reason(
        self, store: MailStore, queue: FakeQueue
    ) -> None:
        store.save("x@y", ["ada@example.org"], message("ada@example.org", "Welcome"))
        queue.emails = [
            undelivered("josé.x@example.org", abandoned=True),
            undelivered("bob@example.org", abandoned=False, attempts=2),
        ]

        result = CliRunner().invoke(app, ["mail"])

        assert result.exit_code == 0, result.output
        delivered, _, failed = result.output.partition("not delivered (2):")
        assert "Welcome" in delivered
        lines = failed.strip().splitlines()
        assert lines[1].split()[0:4:3] == ["abandoned", "josé.x@example.org"]
        assert lines[2].strip() == f"reason: {SMTPUTF8_REASON}"
        assert lines[3].split()[0:4:3] == ["retrying", "bob@example.org"]
        assert lines[4].strip() == "reason: 451 try again later"

    def test_only_the_undelivered_as_json_filtered_by_recipient(
        self, store: MailStore, queue: FakeQueue
    ) -> None:
        queue.emails = [
            undelivered("josé.x@example.org", abandoned=True),
            undelivered("bob@example.org", abandoned=False),
        ]

        result = CliRunner().invoke(
            app, ["mail", "--undelivered", "--json", "--to", "JOSÉ.x@example.org"]
        )

        assert result.exit_code == 0, result.output
        [only] = json.loads(result.output)
        assert (only["state"], only["to"], only["reason"]) == (
            "abandoned",
            "josé.x@example.org",
            SMTPUTF8_REASON,
        )

    def test_an_unreadable_queue_leaves_the_listing_alone_but_is_an_error_when_asked_for(
        self, store: MailStore, queue: FakeQueue
    ) -> None:
        store.save("x@y", ["ada@example.org"], message("ada@example.org", "Welcome"))
        queue.unreadable = True

        listing = CliRunner().invoke(app, ["mail"])
        asked = CliRunner().invoke(app, ["mail", "--undelivered"])

        assert listing.exit_code == 0
        assert "Welcome" in listing.output
        assert "not delivered" not in listing.output
        assert asked.exit_code == 1
        assert "does not answer" in asked.output
