"""Every rule over one text, and the decision they add up to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from edu.moderation.domain.decisions import Decision, Finding, decide
from edu.moderation.domain.links import LinkRule
from edu.moderation.domain.repeats import PriorPost, RepeatRule
from edu.moderation.domain.spam import spam_findings
from edu.moderation.domain.text import words
from edu.moderation.domain.wordlists import WordList


class ItemKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"
    COURSE = "course"

    @property
    def is_post(self) -> bool:
        """Questions and answers are posts: people repeat them; a course's title is not one."""
        return self is not ItemKind.COURSE


@dataclass(frozen=True)
class Moderator:
    """The rules, configured once; :meth:`check` is a pure function of its arguments."""

    word_lists: Sequence[WordList]
    links: LinkRule = field(default_factory=LinkRule)
    repeats: RepeatRule = field(default_factory=RepeatRule)

    def findings(
        self, text: str, kind: ItemKind, at: datetime, prior: Iterable[PriorPost] = ()
    ) -> list[Finding]:
        text_words = words(text)
        found = [finding for lst in self.word_lists for finding in lst.findings(text_words)]
        found += self.links.findings(text)
        found += spam_findings(text)
        if kind.is_post:
            found += self.repeats.findings(text, at, prior)
        return found

    def check(
        self, text: str, kind: ItemKind, at: datetime, prior: Iterable[PriorPost] = ()
    ) -> Decision:
        """The decision about ``text`` posted at ``at``, after the author's ``prior`` posts."""
        return decide(self.findings(text, kind, at, prior))
