"""event-ingestion's public API: a batch of a student's learning events, sent with the student's
own access token (ingestion refuses an event whose user is not the token's subject)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from edu.web.clients.models import IngestReport
from edu.web.clients.transport import ServiceTransport


class LearningEventsClient(Protocol):
    async def send(self, token: str, events: Sequence[Mapping[str, Any]]) -> IngestReport: ...


class HttpLearningEventsClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def send(self, token: str, events: Sequence[Mapping[str, Any]]) -> IngestReport:
        """202 with what was stored, already held and refused; a batch with nothing acceptable
        is a 422 ProblemError naming ``events[i]``; 503 (JetStream slow or down) and no answer
        are ServiceUnavailable, so the caller retries the same ids."""
        body = {"events": [dict(event) for event in events]}
        response = await self._http.call("POST", "/v1/events", token=token, json=body)
        return IngestReport.model_validate(response.json())
