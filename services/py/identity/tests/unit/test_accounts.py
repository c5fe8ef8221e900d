"""Reading one's own account, and becoming a teacher."""

from __future__ import annotations

import uuid

import pytest

from edu.events import decode, encode
from edu.identity.domain.user import AccountGone, Role
from edu.identity.service_layer.accounts import Accounts
from edu.identity.service_layer.registration import Registration, SignUp
from edu.identity.testing import FakeIdentityUnitOfWork
from edu.proto_gen.events.v1.identity_events_pb2 import ROLE_TEACHER, UserRoleGranted


class TestBecomingATeacher:
    async def test_adds_the_role_once_and_announces_it_once(
        self, registration: Registration, accounts: Accounts, uow: FakeIdentityUnitOfWork
    ) -> None:
        user = await registration.sign_up(
            SignUp(email="ada@example.org", password="violet-kettle-orbit-9")
        )

        first = await accounts.become_teacher(user.id)
        again = await accounts.become_teacher(user.id)

        assert first.roles == again.roles == {Role.STUDENT, Role.TEACHER}
        granted = [e for e in uow.committed_events if e.type == "user.role_granted"]
        assert len(granted) == 1
        assert granted[0].version == 2
        assert decode(encode(granted[0])).payload == UserRoleGranted(
            user_id=str(user.id), role=ROLE_TEACHER
        )
        assert (await accounts.profile(user.id)).is_teacher

    async def test_a_deleted_account_cannot_become_anything(self, accounts: Accounts) -> None:
        with pytest.raises(AccountGone):
            await accounts.become_teacher(uuid.uuid4())


class TestReadingTheProfile:
    async def test_an_account_that_no_longer_exists_is_unauthenticated(
        self, accounts: Accounts
    ) -> None:
        with pytest.raises(AccountGone) as caught:
            await accounts.profile(uuid.uuid4())
        assert caught.value.status == 401
