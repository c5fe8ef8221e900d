"""One consumer's handler: each event to the use case it is for."""

from __future__ import annotations

from enum import StrEnum

from edu.certificate_generator.service_layer.directory import DIRECTORY_EVENTS, Directory
from edu.certificate_generator.service_layer.issuing import CertificateDocuments, Outcome
from edu.events import DecodedEvent

SUBSCRIBED_EVENTS = (*DIRECTORY_EVENTS, "certificate.issued")


class Noted(StrEnum):
    RECORDED = "recorded"
    IGNORED = "ignored"


class EventHandling:
    """One durable consumer for all four event types, so they are handled in the stream's
    order: a student registers and a course is published long before a certificate names them."""

    def __init__(self, directory: Directory, documents: CertificateDocuments) -> None:
        self._directory = directory
        self._documents = documents

    async def handle(self, event: DecodedEvent) -> Outcome | Noted:
        if event.type == "certificate.issued":
            return await self._documents.issue(event)
        return Noted.RECORDED if await self._directory.record(event) else Noted.IGNORED
