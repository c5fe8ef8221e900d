"""FakeCertificateDocumentsClient: rendered PDFs in memory by code, each handed only to the
student it belongs to (anyone else and an unknown code get the same 404, as the worker answers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.testing.switch import Switchable, caller_of

NOT_YOURS = ProblemError(404, "Not found", "You have no certificate document with this code (yet).")


@dataclass
class FakeCertificateDocumentsClient(Switchable):
    verifier: TokenVerifier
    documents: dict[str, tuple[UUID, bytes]] = field(default_factory=dict)
    name = "certificate-generator"

    def rendered(self, code: str, owner: UUID, data: bytes) -> None:
        self.documents[code] = (owner, data)

    async def pdf(self, token: str, code: str) -> bytes:
        self.answer()
        owner, data = self.documents.get(code, (None, b""))
        if owner is None or owner != caller_of(self.verifier, token):
            raise NOT_YOURS
        return data
