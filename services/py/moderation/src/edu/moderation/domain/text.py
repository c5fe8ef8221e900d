"""Reading text the way the rules need it: words folded to a canonical spelling, and how alike
two posts are.

Folding undoes the cheap disguises people use against word lists ("1d10t", "$hit", "FUCK",
"f.u.c.k" stays out: only whole words count, so "Scunthorpe" and "classic" never match).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Collection

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
# Leetspeak digits and symbols inside a word, read as the letters they stand for.
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_WORD = re.compile(r"[\w@$]+", re.UNICODE)
_RUNS = re.compile(r"(.)\1{2,}")


def fold(text: str) -> str:
    """Case-folded, NFKC-normalised text (full-width letters, ligatures and "ß" read plainly)."""
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``, leetspeak undone in words that mix letters and digits,
    letter runs of three or more cut to two ("stuuuupid" -> "stuupid", and to one below)."""
    folded = fold(text)
    found: list[str] = []
    for raw in _LEET_WORD.findall(folded):
        token = raw.translate(_LEET) if _is_disguised(raw) else raw
        for word in _WORD.findall(token):
            found.append(_RUNS.sub(r"\1\1", word))
    return found


def _is_disguised(token: str) -> bool:
    """A word with letters and leet characters ("1d10t", "$hit"); a plain number is not one."""
    has_letter = any(character.isalpha() for character in token)
    return has_letter and any(character in "013457@$" for character in token)


def squeezed(word: str) -> str:
    """``word`` with every run of a letter cut to one ("stuupid" -> "stupid")."""
    return re.sub(r"(.)\1+", r"\1", word)


def fingerprint(text: str) -> str:
    """What two posts share when they say the same thing: folded words, one space between."""
    return " ".join(_WORD.findall(fold(text)))


def similarity(first: str, second: str) -> float:
    """Jaccard similarity of the two texts' word pairs (single words for very short texts)."""
    a, b = _shingles(fingerprint(first)), _shingles(fingerprint(second))
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _shingles(fingerprinted: str) -> set[str]:
    tokens = fingerprinted.split()
    if len(tokens) < 4:
        return set(tokens)
    return {f"{left} {right}" for left, right in itertools.pairwise(tokens)}


def find_terms(text_words: list[str], terms: Collection[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The ``terms`` (tuples of folded words) that occur in ``text_words`` as words in a row;
    each word of the text also counts squeezed ("stuupid" reads as "stupid" too)."""
    found: set[tuple[str, ...]] = set()
    candidates = [{word, squeezed(word)} for word in text_words]
    longest = max((len(term) for term in terms), default=0)
    for start in range(len(candidates)):
        spellings: list[tuple[str, ...]] = [()]
        for choices in candidates[start : start + longest]:
            spellings = [(*spelling, choice) for spelling in spellings for choice in choices]
            found.update(spelling for spelling in spellings if spelling in terms)
    return sorted(found)
