"""Repositories and the unit of work against identity's real schema."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.identity.adapters.orm import outbox, users
from edu.identity.adapters.repositories import ConcurrentUpdate
from edu.identity.adapters.unit_of_work import SqlAlchemyIdentityUnitOfWork
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.passwords import PasswordPolicy
from edu.identity.domain.refresh_tokens import RefreshTokenFamily
from edu.identity.domain.user import EmailAlreadyRegistered, Role, User
from edu.identity.service_layer.ports import IdentityUnitOfWork
from edu.identity.service_layer.registration import Registration, SignUp
from edu.identity.testing import FakePasswordHasher

Sessions = async_sessionmaker[AsyncSession]


def a_user(email: str = "ada@example.org", clock: FakeClock | None = None) -> User:
    return User.register(
        email=EmailAddress.parse(email),
        password_hash="$argon2id$fake",
        as_teacher=False,
        now=(clock or FakeClock()).now(),
    )


class TestUserRepository:
    async def test_a_stored_user_reads_back_equal_by_id_and_by_email(
        self, sessions: Sessions
    ) -> None:
        user = a_user()
        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            await uow.users.add(user)
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            assert await uow.users.get(user.id) == user
            assert await uow.users.get_by_email(EmailAddress("ada@example.org")) == user
            assert await uow.users.get(uuid.uuid4()) is None

    async def test_the_database_refuses_a_second_account_for_one_email(
        self, sessions: Sessions
    ) -> None:
        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            await uow.users.add(a_user())
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            with pytest.raises(EmailAlreadyRegistered):
                await uow.users.add(a_user())  # bypassing the use case's friendly check

    async def test_saving_roles_checks_the_version_that_was_read(self, sessions: Sessions) -> None:
        user = a_user()
        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            await uow.users.add(user)
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            mine = await uow.users.get(user.id)
            assert mine is not None
            # Someone else grants the role (and bumps the version) after we read the row.
            await uow.session.execute(update(users).where(users.c.id == user.id).values(version=2))
            mine.become_teacher()
            with pytest.raises(ConcurrentUpdate):
                await uow.users.save(mine)

    async def test_saving_roles_stores_them_with_the_new_version(self, sessions: Sessions) -> None:
        user = a_user()
        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            await uow.users.add(user)
            user.become_teacher()
            await uow.users.save(user)
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            stored = await uow.users.get(user.id)
        assert stored is not None
        assert stored.roles == {Role.STUDENT, Role.TEACHER}
        assert stored.version == 2


class TestRefreshTokenRepository:
    async def test_families_and_tokens_round_trip_with_their_changes(
        self, sessions: Sessions
    ) -> None:
        clock = FakeClock()
        user = a_user()
        family = RefreshTokenFamily.start(user_id=user.id, now=clock.now())
        token = family.issue(token_hash="a" * 64, now=clock.now(), ttl=timedelta(days=1))
        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            await uow.users.add(user)
            await uow.refresh_tokens.add_family(family)
            await uow.refresh_tokens.add_token(token)
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            loaded = await uow.refresh_tokens.token_for_update("a" * 64)
            assert loaded == token
            successor = family.rotate(
                loaded, new_token_hash="b" * 64, now=clock.now(), ttl=timedelta(days=1)
            )
            await uow.refresh_tokens.save_token(loaded)
            await uow.refresh_tokens.add_token(successor)
            family.revoke(clock.now())
            await uow.refresh_tokens.save_family(family)
            await uow.commit()

        async with SqlAlchemyIdentityUnitOfWork(sessions) as uow:
            spent = await uow.refresh_tokens.token_for_update("a" * 64)
            assert spent is not None
            assert spent.used_at == clock.now()
            assert await uow.refresh_tokens.family_for_update(family.id) == family


class TestSigningUpAtomically:
    @pytest.fixture
    def registration(self, sessions: Sessions, policy_free: PasswordPolicy) -> Registration:
        def unit_of_work() -> IdentityUnitOfWork:
            return SqlAlchemyIdentityUnitOfWork(sessions)

        return Registration(unit_of_work, FakePasswordHasher(), policy_free, FakeClock())

    @pytest.fixture
    def policy_free(self) -> PasswordPolicy:
        return PasswordPolicy(frozenset())

    async def test_the_user_and_user_registered_are_stored_together(
        self, registration: Registration, db_connection: AsyncConnection
    ) -> None:
        user = await registration.sign_up(
            SignUp(email="ada@example.org", password="violet-kettle-orbit-9")
        )

        stored = (await db_connection.execute(select(users.c.id))).scalars().all()
        events = (await db_connection.execute(select(outbox))).mappings().all()
        assert stored == [user.id]
        assert [(e["type"], e["aggregate_id"], e["version"]) for e in events] == [
            ("user.registered", str(user.id), 1)
        ]
        assert events[0]["payload"]["email"] == "ada@example.org"

    async def test_a_refused_sign_up_leaves_no_user_and_no_event(
        self, registration: Registration, db_connection: AsyncConnection
    ) -> None:
        await registration.sign_up(
            SignUp(email="ada@example.org", password="violet-kettle-orbit-9")
        )
        with pytest.raises(EmailAlreadyRegistered):
            await registration.sign_up(
                SignUp(email="Ada@Example.org", password="violet-kettle-orbit-9")
            )

        assert len((await db_connection.execute(select(users.c.id))).all()) == 1
        assert len((await db_connection.execute(select(outbox.c.id))).all()) == 1
