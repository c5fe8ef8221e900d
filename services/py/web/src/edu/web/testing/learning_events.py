"""FakeLearningEventsClient: keeps every batch it was sent, with the token's user, and answers
as event-ingestion does: an event of another user is rejected, a known id is a duplicate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.models import IngestReport, RejectedEvent
from edu.web.testing.switch import Switchable, caller_of


@dataclass
class FakeLearningEventsClient(Switchable):
    verifier: TokenVerifier
    name: str = "event-ingestion"
    # (the token's user, the events as sent), one entry per batch
    batches: list[tuple[UUID, list[dict[str, Any]]]] = field(default_factory=list)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def send(self, token: str, events: Sequence[Mapping[str, Any]]) -> IngestReport:
        self.answer()
        user = caller_of(self.verifier, token)
        sent = [dict(event) for event in events]
        self.batches.append((user, sent))
        accepted: list[str] = []
        duplicates: list[str] = []
        rejected: list[RejectedEvent] = []
        for index, event in enumerate(sent):
            event_id = str(event.get("id", ""))
            if event.get("user_id") != str(user):
                reason = "user_id is not the signed-in user"
                rejected.append(RejectedEvent(index=index, id=event_id, reason=reason))
            elif event_id in self.stored:
                duplicates.append(event_id)
            else:
                self.stored[event_id] = event
                accepted.append(event_id)
        if not accepted and not duplicates:
            raise ProblemError(422, "Invalid input", "No event in the batch could be accepted.")
        return IngestReport(
            accepted=tuple(accepted), duplicates=tuple(duplicates), rejected=tuple(rejected)
        )
