"""Email addresses as identity stores and compares them.

Normalisation (ADR 0005): surrounding whitespace is trimmed, the whole address is lower-cased
(mail providers treat the local part case-insensitively in practice, and two accounts that
differ only by case are a support problem, never a feature), and a Unicode domain is stored in
its ASCII (IDNA) form. Dots and ``+tags`` are kept: what they mean is up to each provider.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from edu.common.problems import FieldProblem, InvalidInput

MAX_LENGTH = 254  # RFC 5321 path limit minus the angle brackets
MAX_LOCAL_LENGTH = 64
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidEmail(InvalidInput):
    def __init__(self, reason: str, *, field: str = "body.email") -> None:
        super().__init__(reason, errors=[FieldProblem(field=field, message=reason)])


@dataclass(frozen=True, order=True)
class EmailAddress:
    """A normalised, plausibly deliverable email address."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> EmailAddress:
        return cls(normalise_email(raw))

    @property
    def local_part(self) -> str:
        return self.value.rsplit("@", 1)[0]

    def __str__(self) -> str:
        return self.value


def normalise_email(raw: str) -> str:
    """The canonical form of ``raw``, or InvalidEmail saying what is wrong with it."""
    text = unicodedata.normalize("NFC", raw.strip())
    if not text:
        raise InvalidEmail("Enter an email address.")
    if text.count("@") != 1:
        raise InvalidEmail("An email address has exactly one @, like ada@example.org.")
    local, domain = text.split("@")
    _check_local_part(local)
    ascii_domain = _ascii_domain(domain)
    address = f"{local.lower()}@{ascii_domain}"
    if len(address) > MAX_LENGTH:
        raise InvalidEmail(f"An email address has at most {MAX_LENGTH} characters.")
    return address


def _check_local_part(local: str) -> None:
    if not local:
        raise InvalidEmail("The part before the @ is missing.")
    if len(local) > MAX_LOCAL_LENGTH:
        raise InvalidEmail(f"The part before the @ has at most {MAX_LOCAL_LENGTH} characters.")
    if any(ch.isspace() or not ch.isprintable() or ch in '"\\<>()[],;:' for ch in local):
        raise InvalidEmail("The part before the @ contains spaces or characters not allowed there.")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidEmail(
            "The part before the @ cannot start or end with a dot or have two in a row."
        )


def _ascii_domain(domain: str) -> str:
    lowered = domain.lower().rstrip(".")
    try:
        ascii_form = lowered.encode("idna").decode("ascii") if lowered else ""
    except UnicodeError:
        raise InvalidEmail("The part after the @ is not a valid domain name.") from None
    labels = ascii_form.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise InvalidEmail("The part after the @ must be a domain name like example.org.")
    if labels[-1].isdigit():
        raise InvalidEmail("The part after the @ must be a domain name, not an address.")
    return ascii_form
