"""Signing in, refreshing, signing out, and throttling failed sign-ins."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.common.problems import TooManyRequests
from edu.identity.domain.refresh_tokens import RefreshRejected
from edu.identity.domain.user import InvalidCredentials
from edu.identity.service_layer.registration import Registration, SignUp
from edu.identity.service_layer.sessions import Sessions
from edu.identity.testing import (
    FakeAttemptStore,
    FakeIdentityUnitOfWork,
    FakePasswordHasher,
)

PASSWORD = "violet-kettle-orbit-9"
ADDRESS = "203.0.113.7"


@pytest.fixture
async def ada(registration: Registration) -> str:
    await registration.sign_up(SignUp(email="ada@example.org", password=PASSWORD))
    return "ada@example.org"


class TestSigningIn:
    async def test_issues_an_access_token_for_the_user_and_a_refresh_token(
        self, sessions: Sessions, verifier: TokenVerifier, ada: str
    ) -> None:
        tokens = await sessions.log_in(" ADA@example.org", PASSWORD, ADDRESS)

        principal = verifier.verify(tokens.access_token)
        assert principal.email == ada
        assert principal.roles == {"student"}
        assert tokens.access_expires_in == 15 * 60
        assert len(tokens.refresh_token) >= 40

    async def test_unknown_email_and_wrong_password_fail_identically(
        self, sessions: Sessions, hasher: FakePasswordHasher, ada: str
    ) -> None:
        with pytest.raises(InvalidCredentials) as wrong_password:
            await sessions.log_in(ada, "not-the-password!", ADDRESS)
        with pytest.raises(InvalidCredentials) as unknown_email:
            await sessions.log_in("nobody@example.org", PASSWORD, ADDRESS)
        assert str(wrong_password.value) == str(unknown_email.value)
        assert len(hasher.verified) == 2  # the unknown account still paid for a verification

    async def test_rehashes_a_password_hashed_with_outdated_parameters(
        self, sessions: Sessions, hasher: FakePasswordHasher, uow: FakeIdentityUnitOfWork, ada: str
    ) -> None:
        (user,) = uow.users.rows.values()
        user.password_hash = "fake$" + PASSWORD
        hasher.outdated.add(user.password_hash)
        hasher_calls_before = len(hasher.verified)

        await sessions.log_in(ada, PASSWORD, ADDRESS)

        assert len(hasher.verified) == hasher_calls_before + 1
        assert uow.commits == 2  # sign-up, then sign-in with the rehash


class TestThrottlingFailedSignIns:
    async def test_the_101st_failure_for_an_account_is_refused_with_retry_after(
        self, sessions: Sessions, ada: str
    ) -> None:
        for attempt in range(100):
            with pytest.raises(InvalidCredentials):
                await sessions.log_in(ada, f"wrong-password-{attempt}", f"198.51.100.{attempt}")

        with pytest.raises(TooManyRequests) as refused:
            await sessions.log_in(ada, PASSWORD, "192.0.2.1")  # even the right password
        assert refused.value.retry_after == 3600

    async def test_the_101st_failure_from_one_address_is_refused_across_accounts(
        self, sessions: Sessions
    ) -> None:
        for attempt in range(100):
            with pytest.raises(InvalidCredentials):
                await sessions.log_in(f"user{attempt}@example.org", PASSWORD, ADDRESS)
        with pytest.raises(TooManyRequests):
            await sessions.log_in("someone-else@example.org", PASSWORD, ADDRESS)

    async def test_sign_ins_are_allowed_again_as_old_failures_leave_the_window(
        self, sessions: Sessions, clock: FakeClock, ada: str
    ) -> None:
        for _ in range(100):
            with pytest.raises(InvalidCredentials):
                await sessions.log_in(ada, "wrong-password!", ADDRESS)
            clock.advance(timedelta(seconds=30))
        with pytest.raises(TooManyRequests) as refused:
            await sessions.log_in(ada, PASSWORD, ADDRESS)

        clock.advance(timedelta(seconds=refused.value.retry_after))
        assert (await sessions.log_in(ada, PASSWORD, ADDRESS)).access_token

    async def test_successful_sign_ins_do_not_count(
        self, sessions: Sessions, attempts: FakeAttemptStore, ada: str
    ) -> None:
        for _ in range(150):
            await sessions.log_in(ada, PASSWORD, ADDRESS)
        assert len(attempts.released) == 150

    async def test_failures_from_elsewhere_never_lock_the_owner_out_at_a_known_address(
        self, sessions: Sessions, ada: str
    ) -> None:
        await sessions.log_in(ada, PASSWORD, ADDRESS)  # the owner, at home
        for attempt in range(300):
            with contextlib.suppress(InvalidCredentials, TooManyRequests):
                await sessions.log_in(ada, f"guess-{attempt}!", f"203.0.{attempt // 200}.{attempt}")

        assert (await sessions.log_in(ada, PASSWORD, ADDRESS)).access_token
        with pytest.raises(TooManyRequests):  # a new address stays held back
            await sessions.log_in(ada, PASSWORD, "192.0.2.1")

    async def test_a_known_address_is_still_limited_by_its_own_failures(
        self, sessions: Sessions, ada: str
    ) -> None:
        await sessions.log_in(ada, PASSWORD, ADDRESS)
        for attempt in range(100):
            with pytest.raises(InvalidCredentials):
                await sessions.log_in(ada, f"wrong-password-{attempt}", ADDRESS)
        with pytest.raises(TooManyRequests):
            await sessions.log_in(ada, PASSWORD, ADDRESS)

    async def test_one_ipv6_machine_cannot_rotate_through_its_64(self, sessions: Sessions) -> None:
        for attempt in range(100):
            with pytest.raises(InvalidCredentials):
                await sessions.log_in(
                    f"user{attempt}@example.org", PASSWORD, f"2001:db8::{attempt:x}"
                )
        with pytest.raises(TooManyRequests):
            await sessions.log_in("fresh@example.org", PASSWORD, "2001:db8::ffff")


class TestRefreshing:
    async def test_a_refresh_token_buys_a_new_pair_once(self, sessions: Sessions, ada: str) -> None:
        first = await sessions.log_in(ada, PASSWORD, ADDRESS)
        second = await sessions.refresh(first.refresh_token)
        assert second.refresh_token != first.refresh_token
        assert (await sessions.refresh(second.refresh_token)).access_token

    async def test_reusing_a_spent_token_revokes_the_whole_family(
        self, sessions: Sessions, uow: FakeIdentityUnitOfWork, ada: str
    ) -> None:
        first = await sessions.log_in(ada, PASSWORD, ADDRESS)
        second = await sessions.refresh(first.refresh_token)

        with pytest.raises(RefreshRejected):
            await sessions.refresh(first.refresh_token)  # the thief, or the user: either way
        with pytest.raises(RefreshRejected):
            await sessions.refresh(second.refresh_token)
        assert all(f.is_revoked for f in uow.refresh_tokens.families.values())

    async def test_other_sign_ins_are_not_affected_by_a_revoked_family(
        self, sessions: Sessions, ada: str
    ) -> None:
        phone = await sessions.log_in(ada, PASSWORD, ADDRESS)
        laptop = await sessions.log_in(ada, PASSWORD, ADDRESS)
        await sessions.refresh(phone.refresh_token)
        with pytest.raises(RefreshRejected):
            await sessions.refresh(phone.refresh_token)
        assert (await sessions.refresh(laptop.refresh_token)).access_token

    async def test_an_unknown_or_expired_token_is_refused(
        self, sessions: Sessions, clock: FakeClock, ada: str
    ) -> None:
        with pytest.raises(RefreshRejected):
            await sessions.refresh("made-up")
        tokens = await sessions.log_in(ada, PASSWORD, ADDRESS)
        clock.advance(timedelta(days=15))
        with pytest.raises(RefreshRejected):
            await sessions.refresh(tokens.refresh_token)


class TestSigningOut:
    async def test_revokes_the_family_so_its_token_no_longer_refreshes(
        self, sessions: Sessions, ada: str
    ) -> None:
        tokens = await sessions.log_in(ada, PASSWORD, ADDRESS)
        await sessions.log_out(tokens.refresh_token)
        with pytest.raises(RefreshRejected):
            await sessions.refresh(tokens.refresh_token)

    async def test_an_unknown_token_is_quietly_accepted(self, sessions: Sessions) -> None:
        await sessions.log_out("never-issued")
