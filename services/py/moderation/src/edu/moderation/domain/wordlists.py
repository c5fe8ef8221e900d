"""The word lists, one per language, committed beside this module (``wordlists/<lang>.txt``).

A line is ``<hold|reject> <term>``: ``reject`` for abuse aimed at people (insults, slurs,
threats), ``hold`` for swearing a teacher may well let through. A term of several words
matches those words in a row. Terms are stored folded (see :func:`edu.moderation.domain.text.words`),
so the files are written in plain lower case, "ß" as "ss".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from edu.moderation.domain.decisions import Finding, Outcome
from edu.moderation.domain.text import find_terms, words

LANGUAGES = ("en", "de")


@dataclass(frozen=True)
class WordList:
    language: str
    terms: Mapping[tuple[str, ...], Outcome]

    @classmethod
    def parse(cls, language: str, lines: Iterable[str]) -> WordList:
        terms: dict[tuple[str, ...], Outcome] = {}
        for number, line in enumerate(lines, start=1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            severity, _, term = text.partition(" ")
            if severity not in ("hold", "reject") or not term.strip():
                raise ValueError(f"{language} word list, line {number}: {line!r}")
            terms[tuple(words(term))] = Outcome(severity)
        return cls(language, terms)

    def findings(self, text_words: list[str]) -> list[Finding]:
        """One finding per listed term in ``text_words``."""
        return [
            Finding(
                "abusive_language" if self.terms[term] is Outcome.REJECT else "profanity",
                f"{self.language}: {' '.join(term)}",
                self.terms[term],
            )
            for term in find_terms(text_words, self.terms.keys())
        ]


def bundled_word_lists() -> tuple[WordList, ...]:
    """The committed lists (read once per process by the composition root)."""
    folder = resources.files("edu.moderation.domain") / "wordlists"
    return tuple(
        WordList.parse(language, (folder / f"{language}.txt").read_text("utf-8").splitlines())
        for language in LANGUAGES
    )
