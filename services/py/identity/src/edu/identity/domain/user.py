"""A user account and its roles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from edu.common.problems import Conflict, Unauthenticated
from edu.identity.domain.email import EmailAddress


class Role(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"


class EmailAlreadyRegistered(Conflict):
    def __init__(self) -> None:
        super().__init__("An account with this email address already exists; sign in instead.")


class InvalidCredentials(Unauthenticated):
    """Wrong password and unknown email look exactly alike to the caller (no account probing)."""

    def __init__(self) -> None:
        super().__init__("The email address or password is not correct.")


class AccountGone(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("This account no longer exists; sign in again.")


@dataclass
class User:
    """Everyone is a student; teaching is a role a user takes on (ADR 0005)."""

    id: UUID
    email: EmailAddress
    password_hash: str
    roles: frozenset[Role]
    created_at: datetime
    version: int = 1

    @classmethod
    def register(
        cls, *, email: EmailAddress, password_hash: str, as_teacher: bool, now: datetime
    ) -> User:
        roles = {Role.STUDENT, Role.TEACHER} if as_teacher else {Role.STUDENT}
        return cls(
            id=uuid.uuid4(),
            email=email,
            password_hash=password_hash,
            roles=frozenset(roles),
            created_at=now,
        )

    @property
    def is_teacher(self) -> bool:
        return Role.TEACHER in self.roles

    def become_teacher(self) -> bool:
        """Grant the teacher role; False (and no change) if the user already has it."""
        if self.is_teacher:
            return False
        self.roles = self.roles | {Role.TEACHER}
        self.version += 1
        return True
