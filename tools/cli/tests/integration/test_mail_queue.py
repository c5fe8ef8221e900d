"""`edu mail` reads what was not delivered from a real email queue (notifications' migrations)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from edu.cli.app import app
from edu.email_queue import EMAIL_QUEUE
from edu.testing.database_fixtures import PostgresServer
from edu.testing.template_databases import clone_from_template, drop_database

MIGRATIONS = Path(__file__).resolve().parents[4] / "migrations" / "notifications"
T0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
REFUSED = "the SMTP server cannot take this email: SMTPUTF8 is not offered"


def row(to: str | None, minute: int, **state: object) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "kind": "welcome",
        "user_id": uuid.uuid4(),
        "to_address": to,
        "subject": f"Welcome, {to}",
        "text_body": "hi",
        "html_body": "<p>hi</p>",
        "source_event_id": uuid.uuid4(),
        "created_at": T0 + timedelta(minutes=minute),
        "next_attempt_at": T0 + timedelta(minutes=minute),
        "attempts": 0,
        "sent_at": None,
        "abandoned_at": None,
        "last_error": None,
        **state,
    }


async def fill(url: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(EMAIL_QUEUE),
                [
                    row("sent@example.org", 0, sent_at=T0, attempts=1),
                    row(None, 1),  # parked: the address is not known yet
                    row("queued@example.org", 2),  # never tried yet
                    row("josé.x@example.org", 3, abandoned_at=T0, attempts=1, last_error=REFUSED),
                    row("slow@example.org", 4, attempts=2, last_error="451 greylisted"),
                ],
            )
    finally:
        await engine.dispose()


@pytest.fixture
def queue_url(postgres_server: PostgresServer) -> Iterator[str]:
    server, name = postgres_server.url("postgres"), f"edu_mailcli_{uuid.uuid4().hex[:12]}"
    asyncio.run(clone_from_template(server, MIGRATIONS, name))
    try:
        asyncio.run(fill(postgres_server.url(name)))
        yield postgres_server.url(name)
    finally:
        asyncio.run(drop_database(server, name))


class TestUndeliveredMail:
    def test_lists_the_abandoned_and_the_retrying_with_their_reasons_and_nothing_else(
        self, queue_url: str
    ) -> None:
        result = CliRunner().invoke(
            app, ["mail", "--undelivered", "--json", "--queue-database", queue_url]
        )

        assert result.exit_code == 0, result.output
        listed = [(e["to"], e["state"], e["reason"]) for e in json.loads(result.output)]
        assert listed == [
            ("josé.x@example.org", "abandoned", REFUSED),
            ("slow@example.org", "retrying", "451 greylisted"),
        ]

    def test_the_listing_shows_them_after_the_received_mail(
        self, queue_url: str, tmp_path: Path
    ) -> None:
        result = CliRunner().invoke(
            app, ["mail", "--dir", str(tmp_path), "--queue-database", queue_url, "--last", "1"]
        )

        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"no mail in {tmp_path}")
        _, _, failed = result.output.partition("not delivered (1):")
        assert "slow@example.org" in failed
        assert "reason: 451 greylisted" in failed
