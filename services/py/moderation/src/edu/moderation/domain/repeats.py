"""Repeated posts: the same author saying the same thing again within a window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from edu.moderation.domain.decisions import Finding, Outcome
from edu.moderation.domain.text import fingerprint, similarity

# Below this many words a repeat is ordinary ("Thanks!", "Same question").
MIN_WORDS = 4
NEAR_SAME = 0.75


@dataclass(frozen=True)
class PriorPost:
    """An earlier post of the same author: its text and when it was posted."""

    text: str
    posted_at: datetime


@dataclass(frozen=True)
class RepeatRule:
    """Within ``window`` before a post, an earlier post with the same words rejects it (the
    first copy stands) and a nearly identical one holds it."""

    window: timedelta = timedelta(minutes=10)

    def findings(self, text: str, at: datetime, prior: Iterable[PriorPost]) -> list[Finding]:
        own = fingerprint(text)
        if len(own.split()) < MIN_WORDS:
            return []
        recent = [post for post in prior if at - self.window <= post.posted_at <= at]
        if any(fingerprint(post.text) == own for post in recent):
            return [
                Finding("repeated_post", "the same text was posted moments ago", Outcome.REJECT)
            ]
        closest = max((similarity(text, post.text) for post in recent), default=0.0)
        if closest >= NEAR_SAME:
            return [
                Finding(
                    "near_repeated_post",
                    f"nearly the same text was posted moments ago ({closest:.0%} alike)",
                    Outcome.HOLD,
                )
            ]
        return []
