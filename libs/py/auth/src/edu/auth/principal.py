"""Who is calling: the identity an access token vouches for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from uuid import UUID

STUDENT: Final = "student"
TEACHER: Final = "teacher"
KNOWN_ROLES: Final = frozenset({STUDENT, TEACHER})


@dataclass(frozen=True)
class Principal:
    """The authenticated user of one request."""

    user_id: UUID
    email: str
    roles: frozenset[str]

    def has_role(self, role: str) -> bool:
        return role in self.roles
