"""Certificates of completion and their public verification codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

# 24 random bytes = 192 bits (32 URL-safe characters): far beyond guessing, short enough to print.
CODE_BYTES = 24


def new_verification_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


@dataclass(frozen=True)
class Certificate:
    """Proof that a student completed a course; anyone holding ``code`` can verify it."""

    id: UUID
    code: str
    enrollment_id: UUID
    student_id: UUID
    course_id: UUID
    course_title: str
    issued_at: datetime
