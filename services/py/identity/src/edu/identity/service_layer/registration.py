"""Sign-up: a new student (or teacher) account, announced as ``user.registered``."""

from __future__ import annotations

from dataclasses import dataclass

from edu.common.client_address import throttling_key
from edu.common.clock import Clock
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.passwords import PasswordPolicy, normalise_password
from edu.identity.domain.user import EmailAlreadyRegistered, User
from edu.identity.service_layer.outbox_events import user_registered
from edu.identity.service_layer.ports import PasswordHasher, UnitOfWorkFactory
from edu.identity.service_layer.throttling import SignUpThrottle


@dataclass(frozen=True)
class SignUp:
    email: str
    password: str
    as_teacher: bool = False
    # Where the request came from; counted against the sign-up limit when given (the seed,
    # writing through this use case directly, has none).
    client_address: str | None = None


class Registration:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        policy: PasswordPolicy,
        clock: Clock,
        throttle: SignUpThrottle | None = None,
    ) -> None:
        self._uow = uow
        self._throttle = throttle
        self._hasher = hasher
        self._policy = policy
        self._clock = clock

    async def sign_up(self, command: SignUp) -> User:
        """Create an account; the email must be new and the password strong enough."""
        if self._throttle is not None and command.client_address is not None:
            await self._throttle.admit(throttling_key(command.client_address))
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
