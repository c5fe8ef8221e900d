"""The names printed on a certificate.

Identity keeps no personal names (ADR 0005: an account is an email address and roles), so a
person's printed name is made from the part of their address before the @ until identity has
one (ADR 0024): ``ada.lovelace+edu@example.org`` prints as "Ada Lovelace". Addresses may be
Unicode (``дмитрий.шостакович@пример.рф``), and so are the names made from them.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[._\-]+")
MAX_PRINTED = 120  # characters; longer text is cut with an ellipsis rather than overflow the page


def name_from_email(email: str) -> str:
    """A readable name from an address: the local part without its +tag, words capitalised."""
    local = unicodedata.normalize("NFC", email).rsplit("@", 1)[0].split("+", 1)[0]
    words = [w for w in _SEPARATORS.split(local) if w]
    name = " ".join(w[:1].upper() + w[1:] for w in words) or local
    return printable(name)


def printable(text: str) -> str:
    """``text`` with control characters removed, spaces collapsed, cut to MAX_PRINTED."""
    kept = "".join(" " if ch.isspace() else ch for ch in text if ch.isprintable() or ch.isspace())
    single = " ".join(kept.split())
    return single if len(single) <= MAX_PRINTED else single[: MAX_PRINTED - 1] + "…"


def unprintable(text: str, covered: frozenset[int]) -> str:
    """The distinct characters of ``text`` (spaces aside) outside ``covered``, in order."""
    seen: dict[str, None] = {}
    for ch in text:
        if not ch.isspace() and ord(ch) not in covered:
            seen[ch] = None
    return "".join(seen)
