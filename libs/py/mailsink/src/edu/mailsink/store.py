"""Received mail on disk: one ``<id>.eml`` per message and an append-only ``index.jsonl``.

One JSON object per line, appended once the ``.eml`` file is complete, so a reader never sees an
index entry whose message is half-written, and the sink never rewrites what it stored before.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

INDEX_FILE = "index.jsonl"


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the sink received it (the SMTP envelope plus a few headers)."""

    id: str
    received_at: datetime
    mail_from: str
    rcpt_to: tuple[str, ...]
    subject: str
    message_id: str
    size: int

    def to_json(self) -> dict[str, Any]:
        fields = asdict(self)
        fields["received_at"] = self.received_at.isoformat()
        fields["rcpt_to"] = list(self.rcpt_to)
        return fields

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ReceivedMail:
        return cls(
            id=str(raw["id"]),
            received_at=datetime.fromisoformat(raw["received_at"]),
            mail_from=str(raw["mail_from"]),
            rcpt_to=tuple(raw["rcpt_to"]),
            subject=unfolded(str(raw["subject"])),  # index lines written before unfolding
            message_id=unfolded(str(raw["message_id"])),
            size=int(raw["size"]),
        )


_FOLD = re.compile(r"\r?\n(?=[ \t])")


def unfolded(value: str) -> str:
    """A header's value on one line: a line break before a space or tab is removed (RFC 5322
    2.2.3 "unfolding"), and so is the space around the value a fold right after the colon leaves.
    """
    return _FOLD.sub("", value).strip()


def _decoded(value: object) -> str:
    """A header as text, unfolded and "=?utf-8?...?=" words decoded; the unfolded raw text when
    they cannot be.

    compat32 never refuses a header, so a sender's malformed one cannot lose the message.
    """
    if value is None:
        return ""
    text = unfolded(str(value))
    try:
        return unfolded(str(make_header(decode_header(text))))
    except (ValueError, LookupError):  # bad encoded words, unknown charsets
        return text


class UnknownMail(KeyError):
    """No message with that id in the store."""


class MailStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(
        self, mail_from: str, rcpt_to: list[str], data: bytes, *, at: datetime | None = None
    ) -> ReceivedMail:
        headers = BytesParser(policy=policy.compat32).parsebytes(data, headersonly=True)
        mail = ReceivedMail(
            id=uuid.uuid4().hex[:16],
            received_at=at or datetime.now(UTC),
            mail_from=mail_from,
            rcpt_to=tuple(rcpt_to),
            subject=_decoded(headers.get("Subject")),
            message_id=unfolded(str(headers.get("Message-ID", ""))),
            size=len(data),
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{mail.id}.eml").write_bytes(data)
        with (self.folder / INDEX_FILE).open("a", encoding="utf-8") as index:
            index.write(json.dumps(mail.to_json()) + "\n")
        return mail

    def list(self) -> list[ReceivedMail]:
        """Every stored message, oldest first (empty when nothing arrived yet)."""
        index = self.folder / INDEX_FILE
        if not index.is_file():
            return []
        lines = index.read_text(encoding="utf-8").splitlines()
        return [ReceivedMail.from_json(json.loads(line)) for line in lines if line.strip()]

    def raw(self, mail_id: str) -> bytes:
        if not mail_id.isalnum():  # ids are hex: anything else could walk out of the folder
            raise UnknownMail(mail_id)
        path = self.folder / f"{mail_id}.eml"
        if not path.is_file():
            raise UnknownMail(mail_id)
        return path.read_bytes()

    def read(self, mail_id: str) -> EmailMessage:
        message = BytesParser(policy=policy.default).parsebytes(self.raw(mail_id))
        if not isinstance(message, EmailMessage):  # policy.default always makes one
            raise TypeError(f"{mail_id} did not parse as an EmailMessage")
        return message

    def text_of(self, mail_id: str) -> str:
        """The plain-text body (or the only body there is) of a stored message."""
        body = self.read(mail_id).get_body(preferencelist=("plain", "html"))
        return "" if body is None else str(body.get_content())
