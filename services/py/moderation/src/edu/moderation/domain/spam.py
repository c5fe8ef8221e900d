"""Spam patterns: shouting, stretched characters, harvesting contact details, sales talk."""

from __future__ import annotations

import re

from edu.moderation.domain.decisions import Finding, Outcome
from edu.moderation.domain.text import find_terms, words

# Capitals count as shouting only in a text with enough letters to shout with.
ALL_CAPS_MIN_LETTERS = 12
ALL_CAPS_RATIO = 0.7
# Letters and the shouting punctuation, six or more times in a row ("!!!!!!", "sooooooo");
# "------" or "======" are how people underline in plain text and code.
_STRETCHED = re.compile(r"([^\W\d_]|[!?$€])\1{5,}", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
# A run of digits with the separators phone numbers are written with, 9 to 15 digits long.
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-/]{7,22}\d(?![\w.])")
_PHONE_DIGITS = range(9, 16)

SPAM_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "buy now",
        "order now",
        "click here",
        "act now",
        "limited offer",
        "limited time offer",
        "special offer",
        "free money",
        "make money",
        "earn money",
        "earn cash",
        "work from home",
        "100 free",
        "risk free",
        "promo code",
        "discount code",
        "best price",
        "cheap price",
        "whatsapp me",
        "dm me",
        "text me",
        "contact me on telegram",
        "crypto investment",
        "bitcoin investment",
        "online casino",
        "casino bonus",
        "viagra",
        "get rich",
        "essay writing service",
        "pay someone to do",
        "followers cheap",
        "visit my profile",
    ),
    "de": (
        "jetzt kaufen",
        "hier klicken",
        "jetzt bestellen",
        "nur heute",
        "sonderangebot",
        "geld verdienen",
        "schnell reich",
        "von zu hause arbeiten",
        "100 gratis",
        "gratis geld",
        "rabattcode",
        "gutscheincode",
        "schreib mir auf whatsapp",
        "melde dich per whatsapp",
        "online kasino",
        "online casino",
        "krypto investment",
        "günstig kaufen",
    ),
}
_PHRASES = frozenset(
    tuple(words(phrase)) for phrases in SPAM_PHRASES.values() for phrase in phrases
)


def spam_findings(text: str) -> list[Finding]:
    found: list[Finding] = []
    letters = [character for character in text if character.isalpha()]
    if len(letters) >= ALL_CAPS_MIN_LETTERS:
        upper = sum(1 for character in letters if character.isupper())
        if upper / len(letters) >= ALL_CAPS_RATIO:
            found.append(Finding("all_caps", "written in capitals", Outcome.HOLD))
    if stretched := _STRETCHED.search(text):
        found.append(
            Finding("repeated_characters", f"{stretched.group(1)!r} repeated", Outcome.HOLD)
        )
    if _EMAIL.search(text):
        found.append(Finding("email_address", "asks to be written to directly", Outcome.HOLD))
    if any(_is_phone(match.group(0)) for match in _PHONE.finditer(text)):
        found.append(Finding("phone_number", "asks to be called directly", Outcome.HOLD))
    phrases = find_terms(words(text), _PHRASES)
    if len(phrases) >= 2:
        listed = ", ".join(" ".join(phrase) for phrase in phrases)
        found.append(Finding("spam_phrases", f"sales talk: {listed}", Outcome.REJECT))
    elif phrases:
        found.append(Finding("spam_phrase", f"sales talk: {' '.join(phrases[0])}", Outcome.HOLD))
    return found


def _is_phone(candidate: str) -> bool:
    return sum(character.isdigit() for character in candidate) in _PHONE_DIGITS
