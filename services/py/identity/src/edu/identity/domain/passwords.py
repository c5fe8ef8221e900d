"""The password policy: long enough, not a common password, not the email address.

Following NIST SP 800-63B: length over composition rules, a blocklist of common passwords, no
forced character classes. Passwords are compared after Unicode NFKC normalisation, the same form
that is hashed, so the same password typed on two keyboards is the same password.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass

from edu.common.problems import FieldProblem, InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256  # long enough for any passphrase, short enough to bound hashing work
_TAIL = string.digits + string.punctuation + " "


class WeakPassword(InvalidInput):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(
            "Choose a stronger password: " + " ".join(reasons),
            errors=[FieldProblem(field="body.password", message=reason) for reason in reasons],
        )


def normalise_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@dataclass(frozen=True)
class PasswordPolicy:
    """``common`` holds lower-cased common passwords (identity ships a list of ~20,000)."""

    common: frozenset[str]
    min_length: int = MIN_LENGTH
    max_length: int = MAX_LENGTH

    def problems(self, password: str, *, email: str | None = None) -> list[str]:
        """Every rule ``password`` breaks, in words for the person choosing it."""
        candidate = normalise_password(password)
        folded = candidate.casefold()
        if len(candidate) < self.min_length:
            return [f"Use at least {self.min_length} characters (this one has {len(candidate)})."]
        if len(candidate) > self.max_length:
            return [f"Use at most {self.max_length} characters."]
        reasons = []
        stem = folded.rstrip(_TAIL)
        if folded in self.common or folded.strip() in self.common:
            reasons.append("This is one of the most common passwords.")
        elif len(stem) >= 4 and stem in self.common:
            reasons.append("This is a common password with digits or symbols added.")
        if len(set(folded)) < 5:
            reasons.append("Use more different characters.")
        if email and _mentions_email(folded, email.casefold()):
            reasons.append("Do not use your email address in your password.")
        return reasons

    def check(self, password: str, *, email: str | None = None) -> None:
        reasons = self.problems(password, email=email)
        if reasons:
            raise WeakPassword(reasons)


def _mentions_email(password: str, email: str) -> bool:
    local = email.rsplit("@", 1)[0]
    return email in password or (len(local) >= 4 and local in password)
