"""One queued email as the worker sends it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

MESSAGE_ID_DOMAIN = "eduplatform.local"


def message_id_for(email_id: UUID) -> str:
    """A Message-ID fixed by the row, so a resend after a crash is recognisably the same mail."""
    return f"<{email_id}@{MESSAGE_ID_DOMAIN}>"


@dataclass(frozen=True)
class QueuedEmail:
    id: UUID
    kind: str
    to_address: str
    subject: str
    text_body: str
    html_body: str
    attempts: int = 0

    @property
    def message_id(self) -> str:
        return message_id_for(self.id)

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> QueuedEmail:
        """From a result row's mapping (``result.mappings()``)."""
        return cls(
            id=row["id"],
            kind=row["kind"],
            to_address=row["to_address"],
            subject=row["subject"],
            text_body=row["text_body"],
            html_body=row["html_body"],
            attempts=row["attempts"],
        )
