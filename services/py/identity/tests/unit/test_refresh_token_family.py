"""Refresh tokens rotate; a spent token coming back revokes its whole family."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from edu.identity.domain.refresh_tokens import (
    RefreshRejected,
    RefreshToken,
    RefreshTokenFamily,
    RefreshTokenReused,
)

TTL = timedelta(days=14)
START = datetime(2026, 1, 1, tzinfo=UTC)


def new_family() -> tuple[RefreshTokenFamily, RefreshToken]:
    family = RefreshTokenFamily.start(user_id=uuid.uuid4(), now=START)
    return family, family.issue(token_hash="t0", now=START, ttl=TTL)


class TestRotating:
    def test_spends_the_token_and_issues_a_successor_in_the_same_family(self) -> None:
        family, first = new_family()
        second = family.rotate(first, new_token_hash="t1", now=START, ttl=TTL)
        assert first.used_at == START
        assert (second.family_id, second.used_at, second.expires_at) == (
            family.id,
            None,
            START + TTL,
        )

    def test_a_spent_token_presented_again_revokes_the_family(self) -> None:
        family, first = new_family()
        second = family.rotate(first, new_token_hash="t1", now=START, ttl=TTL)
        with pytest.raises(RefreshTokenReused):
            family.rotate(first, new_token_hash="t2", now=START, ttl=TTL)
        assert family.is_revoked
        with pytest.raises(RefreshRejected):
            family.rotate(second, new_token_hash="t3", now=START, ttl=TTL)

    def test_an_expired_token_is_refused_without_revoking(self) -> None:
        family, first = new_family()
        with pytest.raises(RefreshRejected) as caught:
            family.rotate(first, new_token_hash="t1", now=START + TTL, ttl=TTL)
        assert caught.value.reason == "token expired"
        assert not family.is_revoked

    def test_every_refusal_reads_the_same_to_the_caller(self) -> None:
        assert str(RefreshRejected("a")) == str(RefreshTokenReused("b"))

    def test_a_revoked_family_issues_nothing(self) -> None:
        family, _ = new_family()
        family.revoke(START)
        with pytest.raises(RefreshRejected):
            family.issue(token_hash="x", now=START, ttl=TTL)


class RefreshFamilyMachine(RuleBasedStateMachine):
    """Any sequence of refreshes, replays and time passing keeps the family rules."""

    def __init__(self) -> None:
        super().__init__()
        self.family, token = new_family()
        self.tokens = [token]
        self.now = START
        self.replayed = False
        self.counter = 0

    @property
    def current(self) -> RefreshToken:
        return self.tokens[-1]

    @precondition(lambda self: not self.family.is_revoked)
    @rule()
    def refresh_with_the_current_token(self) -> None:
        self.counter += 1
        expired = self.current.expires_at <= self.now
        try:
            successor = self.family.rotate(
                self.current, new_token_hash=f"t{self.counter}", now=self.now, ttl=TTL
            )
        except RefreshRejected:
            assert expired, "a current, unexpired token of a live family must rotate"
            return
        assert not expired
        self.tokens.append(successor)

    @precondition(lambda self: len(self.tokens) > 1)
    @rule(data=st.data())
    def replay_an_old_token(self, data: st.DataObject) -> None:
        old = data.draw(st.sampled_from(self.tokens[:-1]))
        with pytest.raises(RefreshRejected):
            self.family.rotate(old, new_token_hash="replayed", now=self.now, ttl=TTL)
        self.replayed = True

    @rule(hours=st.integers(0, 24 * 20))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @invariant()
    def a_replay_always_ends_the_family(self) -> None:
        assert self.family.is_revoked == self.replayed

    @invariant()
    def at_most_one_token_is_unspent(self) -> None:
        assert sum(token.used_at is None for token in self.tokens) == 1

    @invariant()
    def once_revoked_no_token_works(self) -> None:
        if self.family.is_revoked:
            for token in self.tokens:
                with pytest.raises(RefreshRejected):
                    self.family.rotate(token, new_token_hash="late", now=self.now, ttl=TTL)


RefreshFamilyMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=20)
TestRefreshFamilyRules = RefreshFamilyMachine.TestCase
