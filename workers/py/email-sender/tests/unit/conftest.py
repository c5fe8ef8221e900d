"""Fixtures for the worker's unit tests: a fake queue table, a fake mailer, a fake clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest

from edu.common.clock import FakeClock
from edu.email_queue import QueuedEmail
from edu.email_sender.retry import RetryPolicy
from edu.email_sender.sending import EmailSending
from edu.email_sender.testing import FakeMailer, FakeQueueTable, FakeQueueUnitOfWork, FakeRow

Enqueue = Callable[..., QueuedEmail]
RETRY = RetryPolicy(first_delay=1.0, max_delay=8.0, max_attempts=3)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def table() -> FakeQueueTable:
    return FakeQueueTable()


@pytest.fixture
def mailer() -> FakeMailer:
    return FakeMailer()


@pytest.fixture
def sending(table: FakeQueueTable, mailer: FakeMailer, clock: FakeClock) -> EmailSending:
    return EmailSending(lambda: FakeQueueUnitOfWork(table), mailer, clock, RETRY)


@pytest.fixture
def enqueue(table: FakeQueueTable, clock: FakeClock) -> Enqueue:
    """Put an email in the fake table, due now (or ``in_seconds`` from now)."""

    def add(subject: str = "Welcome", *, in_seconds: float = 0) -> QueuedEmail:
        email = QueuedEmail(
            id=uuid.uuid4(),
            kind="welcome",
            to_address="ada@example.org",
            subject=subject,
            text_body="hi",
            html_body="<p>hi</p>",
        )
        due = clock.now() + timedelta(seconds=in_seconds)
        table.rows.append(FakeRow(email=email, next_attempt_at=due))
        return email

    return add
