"""Issue 18's acceptance for the poison email: one sign-up with an international address, then
50 ordinary ones. Every ordinary welcome email arrives (deadline 30 s), and the odd one is
either delivered or listed by `edu mail` as not delivered, with the server's reason.

Before ADR 0007's amendment the odd email stayed at the head of the queue for ever and not one
of the 50 arrived. The sign-ups go through identity's API (the browser adds nothing here); the
assertions read the stack's mail sink and, through `edu mail`, its email queue.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from typer.testing import CliRunner

from edu.cli.app import app
from edu.email_queue import undelivered
from edu.infra.databases import with_database
from edu.infra.isolated_stack import IsolatedStack
from edu.mailsink.store import MailStore
from edu.testing import journeys
from edu.testing.harness_client import HarnessClient
from edu.testing.loops import eventually

PASSWORD = "saffron-ledger-quartz-4"
ORDINARY = 50
DEADLINE_SECONDS = 30.0


def received_by(stack: IsolatedStack) -> set[str]:
    return {to for mail in MailStore(stack.mail_dir).list() for to in mail.rcpt_to}


def within(check: Callable[[], Awaitable[bool]], what: str, seconds: float) -> None:
    """``eventually`` on a loop of its own thread (Playwright may run one in this thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, eventually(check, what, within=seconds)).result()


def queue_url(stack: IsolatedStack) -> str:
    return with_database(stack.infrastructure["postgres"], "notifications")


async def abandoned_to(stack: IsolatedStack, address: str) -> bool:
    engine = create_async_engine(queue_url(stack), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            emails = await undelivered(connection, limit=100)
    finally:
        await engine.dispose()
    return any(e.abandoned and e.to_address == address for e in emails)


def mail_listing(stack: IsolatedStack, *args: str) -> str:
    """What `edu mail` prints for the stack's sink and email queue (in a thread of its own:
    the command runs its own event loop, and Playwright may hold one in this thread)."""
    argv = ["mail", "--dir", str(stack.mail_dir), "--queue-database", queue_url(stack), *args]
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(CliRunner().invoke, app, argv).result()
    assert result.exit_code == 0, result.output
    return result.output


def test_an_international_address_holds_up_no_other_welcome_email(
    api: HarnessClient, stack: IsolatedStack, record_property: Callable[[str, object], None]
) -> None:
    tag = uuid.uuid4().hex[:8]
    odd = f"josé.{tag}@example.org"
    ordinary = {f"ordinary-{tag}-{n}@example.org" for n in range(ORDINARY)}
    started = time.monotonic()
    for email in [odd, *sorted(ordinary)]:
        api.run(journeys.sign_up(email, PASSWORD))
    signed_up = time.monotonic()

    async def all_welcomed() -> bool:
        return ordinary <= received_by(stack)

    within(all_welcomed, f"all {ORDINARY} ordinary welcome emails", DEADLINE_SECONDS)
    delivered = time.monotonic()
    record_property("sign_ups_seconds", round(signed_up - started, 1))
    record_property("all_delivered_after_last_sign_up_seconds", round(delivered - signed_up, 1))

    async def odd_settled() -> bool:
        return odd in received_by(stack) or await abandoned_to(stack, odd)

    within(odd_settled, f"{odd}'s welcome delivered or abandoned", DEADLINE_SECONDS)
    shown = mail_listing(stack, "--to", odd)
    if odd in received_by(stack):
        record_property("odd_one", "delivered")
        assert shown.splitlines()[1].endswith("Welcome to eduplatform"), shown  # its row
    else:
        record_property("odd_one", "abandoned")
        _, _, undelivered = shown.partition("not delivered (1):")
        assert odd in undelivered, shown
        assert "reason: " in undelivered, shown
