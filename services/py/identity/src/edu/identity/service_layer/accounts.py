"""The signed-in user's own account: reading it, and becoming a teacher."""

from __future__ import annotations

from uuid import UUID

from edu.common.clock import Clock
from edu.identity.domain.user import AccountGone, Role, User
from edu.identity.service_layer.outbox_events import role_granted
from edu.identity.service_layer.ports import UnitOfWorkFactory


class Accounts:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def profile(self, user_id: UUID) -> User:
        """The account behind a verified access token."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise AccountGone()
        return user

    async def become_teacher(self, user_id: UUID) -> User:
        """Grant the teacher role (self-service, idempotent), announced as ``user.role_granted``."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise AccountGone()
            if user.become_teacher():
                await uow.users.save(user)
                uow.outbox.add(role_granted(user, Role.TEACHER, self._clock))
                await uow.commit()
        return user
