"""What a certificate document says, and where it is kept: one document per certificate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote
from uuid import UUID


def verify_url(web_url: str, code: str) -> str:
    """The public page that checks ``code`` (web's ``/verify/{code}``), as the QR code holds it."""
    return f"{web_url.rstrip('/')}/verify/{quote(code, safe='')}"


def document_key(certificate_id: UUID) -> str:
    """Where the certificate's PDF is stored: derived from its id alone, so every rendering of
    the same certificate lands on the same object and a redelivery can never add a second."""
    return f"certificates/{certificate_id}.pdf"


@dataclass(frozen=True)
class CertificateDocument:
    """Everything printed on one certificate."""

    certificate_id: UUID
    enrollment_id: UUID
    student_id: UUID
    course_id: UUID
    verification_code: str
    holder_name: str
    course_title: str
    teacher_name: str
    issued_on: date
    verify_url: str

    @property
    def key(self) -> str:
        return document_key(self.certificate_id)


@dataclass(frozen=True)
class StoredDocument:
    """A rendered certificate as recorded: the facts it printed and what was stored."""

    document: CertificateDocument
    sha256: str
    size_bytes: int
    unprintable: str  # characters of the text that no configured font has a glyph for

    def belongs_to(self, user_id: UUID) -> bool:
        return self.document.student_id == user_id
