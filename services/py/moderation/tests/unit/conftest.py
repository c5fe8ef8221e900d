"""Fixtures for moderation's unit tests: every port is a fake, the clock moves when told."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from edu.auth.principal import Principal
from edu.common.clock import FakeClock
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.domain.wordlists import bundled_word_lists
from edu.moderation.service_layer.reviews import Reviews
from edu.moderation.service_layer.submissions import Submission, Submissions
from edu.moderation.testing import FakeModerationUnitOfWork

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
MakeSubmission = Callable[..., Submission]
MakePrincipal = Callable[..., Principal]


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator(bundled_word_lists())


@pytest.fixture
def uow() -> FakeModerationUnitOfWork:
    return FakeModerationUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOON)


@pytest.fixture
def submissions(
    uow: FakeModerationUnitOfWork, moderator: Moderator, clock: FakeClock
) -> Submissions:
    return Submissions(lambda: uow, moderator, clock)


@pytest.fixture
def reviews(uow: FakeModerationUnitOfWork, clock: FakeClock) -> Reviews:
    return Reviews(lambda: uow, clock)


@pytest.fixture
def make_submission() -> MakeSubmission:
    def make(text: str = "How do I start lesson one?", **fields: Any) -> Submission:
        default = Submission(
            event_id=uuid4(),
            kind=ItemKind.QUESTION,
            subject_id=str(uuid4()),
            course_id="c-1",
            author_id="s-1",
            text=text,
            posted_at=NOON,
        )
        return dataclasses.replace(default, **fields)

    return make


@pytest.fixture
def person() -> MakePrincipal:
    def make(*roles: str, user_id: UUID | None = None) -> Principal:
        return Principal(user_id=user_id or uuid4(), email="p@example.org", roles=frozenset(roles))

    return make
