"""Sign-up: a new student (or teacher) account, announced as ``user.registered``."""

from __future__ import annotations

from dataclasses import dataclass

from edu.common.clock import Clock
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.passwords import PasswordPolicy, normalise_password
from edu.identity.domain.user import EmailAlreadyRegistered, User
from edu.identity.service_layer.outbox_events import user_registered
from edu.identity.service_layer.ports import PasswordHasher, UnitOfWorkFactory


@dataclass(frozen=True)
class SignUp:
    email: str
    password: str
    as_teacher: bool = False


class Registration:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._policy = policy
        self._clock = clock

    async def sign_up(self, command: SignUp) -> User:
        """Create an account; the email must be new and the password strong enough."""
        email = EmailAddress.parse(command.email)
        self._policy.check(command.password, email=email.value)
        password_hash = await self._hasher.hash(normalise_password(command.password))
        async with self._uow() as uow:
            # Checked here for a friendly answer; the unique constraint decides races.
            if await uow.users.get_by_email(email) is not None:
                raise EmailAlreadyRegistered()
            user = User.register(
                email=email,
                password_hash=password_hash,
                as_teacher=command.as_teacher,
                now=self._clock.now(),
            )
            await uow.users.add(user)
            uow.outbox.add(user_registered(user, self._clock))
            await uow.commit()
        return user
