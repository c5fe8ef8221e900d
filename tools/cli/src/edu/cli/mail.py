"""``edu mail``: what the dev SMTP sink received (``edu env up`` runs it on port 11025), and
what the email-sender could not deliver (abandoned, or waiting to retry), with the reason.

Reads the sink's folder directly (``.edu/env/mail``, or ``EDU_MAIL_DIR``), so it works whether
or not the sink is running; the sink's own page (http://127.0.0.1:11080/) shows the same. The
undelivered emails come from notifications' email queue (edu.cli.mail_queue), when the dev
PostgreSQL answers.
When `edu env up` chose Docker, mailpit catches the mail instead and keeps it to itself: its
page is on the same port, and this command says so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from edu.cli.mail_queue import QueueUnreadable, render_undelivered, undelivered_mail
from edu.cli.workspace import WorkspaceError, find_root
from edu.email_queue import UndeliveredEmail
from edu.infra.components import SMTP, Backend
from edu.infra.state import StateError, StateFile
from edu.mailsink.store import MailStore, ReceivedMail, UnknownMail

mail_app = typer.Typer(help="Mail received by the dev SMTP sink (127.0.0.1:11025).")

QueueOption = Annotated[
    str | None,
    typer.Option(
        "--queue-database",
        help="The database holding the email queue (default: the dev PostgreSQL's, the one "
        "the email-sender worker declares).",
    ),
]
FolderOption = Annotated[
    Path | None,
    typer.Option("--dir", help="The sink's folder (default: .edu/env/mail, or EDU_MAIL_DIR)."),
]


def mail_folder(folder: Path | None) -> Path:
    if folder is not None:
        return folder
    if configured := os.environ.get("EDU_MAIL_DIR"):
        return Path(configured)
    try:
        return find_root() / ".edu" / "env" / "mail"
    except WorkspaceError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(2) from None


def elsewhere(folder: Path) -> str | None:
    """Where the mail is when `edu env up` runs mailpit in Docker instead of our sink."""
    try:
        server = StateFile(folder.parent / "state.json").load().get(SMTP.name)
    except StateError:
        return None
    if server is None or server.backend != Backend.DOCKER:
        return None
    return f"the SMTP sink runs in Docker (mailpit): its mail is on {server.page_url}"


def render(mails: list[ReceivedMail]) -> str:
    rows = [("id", "received", "to", "subject")]
    rows += [
        (
            m.id,
            m.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            ", ".join(m.rcpt_to),
            m.subject,
        )
        for m in mails
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]])
        for row in rows
    )


@mail_app.callback(invoke_without_command=True)
def list_mail(
    ctx: typer.Context,
    folder: FolderOption = None,
    last: Annotated[int, typer.Option(help="Show only the newest N.", min=1)] = 20,
    to: Annotated[str | None, typer.Option(help="Only mail to this address.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array, newest last.")] = False,
    only_undelivered: Annotated[
        bool,
        typer.Option(
            "--undelivered", help="Only what was not delivered (abandoned or retrying), and why."
        ),
    ] = False,
    queue_database: QueueOption = None,
) -> None:
    """List received mail, oldest first (the newest at the bottom), then any undelivered."""
    if ctx.invoked_subcommand is not None:
        return
    if only_undelivered:
        _list_undelivered(queue_database, last, to, as_json)
        return
    if hint := elsewhere(mail_folder(folder)):
        typer.secho(hint, fg="yellow", err=True)
    mails = MailStore(mail_folder(folder)).list()
    if to is not None:
        mails = [m for m in mails if _same(to, m.rcpt_to)]
    mails = mails[-last:]
    if as_json:
        typer.echo(json.dumps([m.to_json() for m in mails], indent=2))
        return
    typer.echo(render(mails) if mails else f"no mail in {mail_folder(folder)}")
    try:
        failed = _addressed(undelivered_mail(queue_database, last), to)
    except QueueUnreadable:
        return  # no queue to read (the dev stack is down): the sink's mail is the whole story
    if failed:
        typer.secho(f"\nnot delivered ({len(failed)}):", bold=True)
        typer.echo(render_undelivered(failed))


def _list_undelivered(url: str | None, last: int, to: str | None, as_json: bool) -> None:
    try:
        failed = _addressed(undelivered_mail(url, last), to)
    except QueueUnreadable as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps([e.to_json() for e in failed], indent=2))
    else:
        typer.echo(render_undelivered(failed) if failed else "every email was delivered")


def _addressed(emails: list[UndeliveredEmail], to: str | None) -> list[UndeliveredEmail]:
    return emails if to is None else [e for e in emails if _same(to, [e.to_address])]


def _same(address: str, addresses: Iterable[str]) -> bool:
    return address.lower() in (a.lower() for a in addresses)


@mail_app.command("show")
def show(
    mail_id: Annotated[str, typer.Argument(help="An id from `edu mail`.")],
    folder: FolderOption = None,
    raw: Annotated[bool, typer.Option(help="The whole message as received (.eml).")] = False,
) -> None:
    """Print one message: its headers and text body, or the raw .eml."""
    store = MailStore(mail_folder(folder))
    try:
        if raw:
            typer.echo(store.raw(mail_id).decode("utf-8", errors="replace"))
            return
        message = store.read(mail_id)
        for header in ("From", "To", "Subject", "Date", "Message-ID"):
            typer.echo(f"{header}: {message.get(header, '')}")
        typer.echo("")
        typer.echo(store.text_of(mail_id))
    except UnknownMail:
        typer.secho(f"no message {mail_id!r} in {store.folder}", fg="red", err=True)
        raise typer.Exit(1) from None
