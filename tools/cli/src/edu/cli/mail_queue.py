"""The email queue's side of ``edu mail``: the emails the worker could not deliver.

The sink's folder shows what arrived; an email the SMTP server refused never gets there. Those
live in notifications' ``email_queue`` table (ADR 0007): abandoned ones (dead letters) and those
waiting to retry, each with the reason the server gave. By default the queue is read from the
dev PostgreSQL (``edu env up``/``edu dev``, or EDU_DATABASE_URL), in the database the
email-sender worker declares; ``--queue-database`` names another (a test stack's).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from edu.cli.env import chooser
from edu.cli.workspace import Workspace, WorkspaceError, find_root
from edu.email_queue import UndeliveredEmail, undelivered
from edu.infra.components import POSTGRES
from edu.infra.databases import with_database
from edu.infra.dev_launcher import ProcessLauncher
from edu.infra.dev_services import DeclarationError
from edu.infra.dev_workers import declared_workers
from edu.infra.devenv import DevEnvironment

MAIL_WORKER = "email-sender"


class QueueUnreadable(Exception):
    """The queue could not be read; the message says why."""


def dev_queue_url(root: Path | None = None) -> str:
    """The dev PostgreSQL's URL for the database the email-sender worker works on."""
    try:
        root = root or find_root()
        workers = declared_workers(m.path for m in Workspace(root).members)
    except (WorkspaceError, DeclarationError) as exc:
        raise QueueUnreadable(str(exc)) from None
    database = next((w.database for w in workers if w.name == MAIL_WORKER), None)
    if database is None:
        raise QueueUnreadable(f"no {MAIL_WORKER} worker with a database is declared")
    env = DevEnvironment(root, ProcessLauncher(root), chooser(), components=(POSTGRES,))
    postgres = env.status()[0]
    if not postgres.answers:
        raise QueueUnreadable(f"the dev PostgreSQL ({postgres.url}) does not answer")
    return with_database(postgres.url, database)


def undelivered_mail(url: str | None, last: int) -> list[UndeliveredEmail]:
    """The newest ``last`` undelivered emails in the queue at ``url`` (default: the dev one)."""
    return asyncio.run(_read(url or dev_queue_url(), last))


async def _read(url: str, last: int) -> list[UndeliveredEmail]:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await undelivered(connection, last)
    except (SQLAlchemyError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueueUnreadable(f"cannot read the email queue: {first_line}") from None
    finally:
        await engine.dispose()


def render_undelivered(emails: list[UndeliveredEmail]) -> str:
    """A table of the undelivered emails; each reason on its own indented line below its row."""
    rows = [("state", "since", "to", "attempts", "subject")]
    for e in emails:
        state = "abandoned" if e.abandoned else "retrying"
        since = e.abandoned_at if e.abandoned_at is not None else e.created_at
        at = since.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        rows.append((state, at, e.to_address, str(e.attempts), e.subject))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines: list[str] = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]))
        if index:
            lines.append(f"    reason: {emails[index - 1].last_error or 'none recorded'}")
    return "\n".join(lines)
