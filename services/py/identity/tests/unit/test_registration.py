"""Signing up stores the account and announces it, in one commit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import TooManyRequests
from edu.events import decode, encode
from edu.identity.domain.email import EmailAddress, InvalidEmail
from edu.identity.domain.passwords import WeakPassword
from edu.identity.domain.user import EmailAlreadyRegistered, Role
from edu.identity.service_layer.registration import Registration, SignUp
from edu.identity.testing import FakeIdentityUnitOfWork
from edu.proto_gen.events.v1.identity_events_pb2 import (
    ROLE_STUDENT,
    ROLE_TEACHER,
    UserRegistered,
)

PASSWORD = "violet-kettle-orbit-9"
ADDR = "203.0.113.50"


class TestSigningUp:
    async def test_stores_a_student_with_a_hashed_password(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        user = await registration.sign_up(SignUp(email=" Ada@Example.org ", password=PASSWORD))

        stored = await uow.users.get_by_email(EmailAddress("ada@example.org"))
        assert stored is not None
        assert stored.id == user.id
        assert stored.roles == {Role.STUDENT}
        assert stored.password_hash == f"fake${PASSWORD}"
        assert uow.commits == 1

    async def test_writes_user_registered_to_the_outbox_in_the_same_commit(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        user = await registration.sign_up(SignUp(email="ada@example.org", password=PASSWORD))

        (event,) = uow.committed_events
        assert event.type == "user.registered"
        assert (event.aggregate, event.aggregate_id, event.version) == ("user", str(user.id), 1)
        assert decode(encode(event)).payload == UserRegistered(
            user_id=str(user.id), email="ada@example.org", role=ROLE_STUDENT
        )

    async def test_a_teacher_may_say_so_at_sign_up_and_is_announced_as_one(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        user = await registration.sign_up(
            SignUp(email="t@example.org", password=PASSWORD, as_teacher=True)
        )
        assert user.roles == {Role.STUDENT, Role.TEACHER}
        (event,) = uow.committed_events
        payload = decode(encode(event)).payload
        assert isinstance(payload, UserRegistered)
        assert payload.role == ROLE_TEACHER


class TestRefusingToSignUp:
    async def test_an_email_already_registered_in_any_case_is_a_conflict(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        await registration.sign_up(SignUp(email="ada@example.org", password=PASSWORD))
        with pytest.raises(EmailAlreadyRegistered) as caught:
            await registration.sign_up(SignUp(email="ADA@example.org", password=PASSWORD))
        assert caught.value.status == 409
        assert len(uow.committed_events) == 1

    async def test_a_weak_password_stores_and_announces_nothing(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        with pytest.raises(WeakPassword):
            await registration.sign_up(SignUp(email="ada@example.org", password="password1234"))
        assert uow.users.rows == {}
        assert uow.committed_events == []

    async def test_a_malformed_email_is_refused_before_hashing(
        self, registration: Registration, uow: FakeIdentityUnitOfWork
    ) -> None:
        with pytest.raises(InvalidEmail):
            await registration.sign_up(SignUp(email="ada", password=PASSWORD))
        assert uow.commits == 0


class TestSignUpLimit:
    async def test_the_21st_sign_up_from_one_address_within_15_minutes_is_refused(
        self, registration: Registration, clock: FakeClock
    ) -> None:
        for n in range(20):
            await registration.sign_up(SignUp(f"u{n}@example.org", PASSWORD, client_address=ADDR))
            clock.advance(timedelta(seconds=10))

        with pytest.raises(TooManyRequests) as refused:
            await registration.sign_up(SignUp("u20@example.org", PASSWORD, client_address=ADDR))

        assert refused.value.retry_after == 900 - 200
        assert "Too many sign-ups from this address" in refused.value.detail
        await registration.sign_up(
            SignUp("other@example.org", PASSWORD, client_address="192.0.2.7")
        )

    async def test_room_returns_as_the_oldest_sign_up_leaves_the_window(
        self, registration: Registration, clock: FakeClock
    ) -> None:
        for n in range(20):
            await registration.sign_up(SignUp(f"u{n}@example.org", PASSWORD, client_address=ADDR))
        clock.advance(timedelta(seconds=900))

        assert await registration.sign_up(SignUp("late@example.org", PASSWORD, client_address=ADDR))

    async def test_sign_ups_without_an_address_are_not_counted(
        self, registration: Registration
    ) -> None:
        for n in range(25):  # the seed writes through the use case, from no address
            await registration.sign_up(SignUp(f"seeded{n}@example.org", PASSWORD))
