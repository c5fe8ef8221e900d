"""Properties: a decision depends only on what is checked, never on order or redelivery."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.moderation.domain.decisions import Finding, Outcome, decide
from edu.moderation.domain.moderator import ItemKind, Moderator
from edu.moderation.domain.wordlists import bundled_word_lists
from edu.moderation.service_layer.submissions import Submission, Submissions
from edu.moderation.testing import FakeModerationUnitOfWork

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
MODERATOR = Moderator(bundled_word_lists())
TEXTS = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "How do I start?",
            "You idiot",
            "BUY NOW at bit.ly/abc",
            "Wie löse ich Übung 3?",
            "call +49 170 1234567 or mail a@b.de",
            "Can someone explain the second exercise please",
        ]
    ),
)
FINDINGS = st.builds(
    Finding,
    code=st.sampled_from(["a", "b", "c", "d"]),
    detail=st.text(max_size=5),
    severity=st.sampled_from([Outcome.HOLD, Outcome.REJECT]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(FINDINGS, max_size=8), st.randoms(use_true_random=False))
def test_the_policy_does_not_depend_on_the_order_of_findings(
    findings: list[Finding], shuffler: random.Random
) -> None:
    shuffled = list(findings)
    shuffler.shuffle(shuffled)
    assert decide(findings) == decide(shuffled)
    assert decide(findings).outcome is not Outcome.ALLOW or not findings


@settings(max_examples=40, deadline=None)
@given(TEXTS, st.sampled_from(list(ItemKind)))
def test_checking_any_text_twice_gives_the_same_decision(text: str, kind: ItemKind) -> None:
    first = MODERATOR.check(text, kind, NOON)
    assert MODERATOR.check(text, kind, NOON) == first
    assert all(reason.severity is not Outcome.ALLOW for reason in first.reasons)


# Posts as (event number, author, text, minutes after noon); an event number seen again is a
# redelivery of the same message.
POSTS = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from(["s-1", "s-2"]),
        TEXTS,
        st.integers(0, 30),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(POSTS)
def test_redelivery_decides_each_event_once_and_the_same_way(
    posts: list[tuple[int, str, str, int]],
) -> None:
    uow = FakeModerationUnitOfWork()
    submissions = Submissions(lambda: uow, MODERATOR, FakeClock(NOON))
    first_seen: dict[int, Submission] = {}
    decided: dict[UUID, Outcome] = {}

    async def deliver_all() -> None:
        for number, author, text, minutes in posts:
            submission = first_seen.setdefault(
                number,
                Submission(
                    event_id=UUID(int=number + 1),
                    kind=ItemKind.QUESTION,
                    subject_id=f"q-{number}",
                    course_id="c-1",
                    author_id=author,
                    text=text,
                    posted_at=NOON + timedelta(minutes=minutes),
                ),
            )
            _, item = await submissions.moderate(submission)
            assert item is not None
            assert decided.setdefault(submission.event_id, item.outcome) is item.outcome

    asyncio.run(deliver_all())
    assert len(uow.items.items) == len(first_seen)
    assert sorted(e.aggregate_id for e in uow.outbox.events) == sorted(
        str(i.id) for i in uow.items.items.values()
    )
