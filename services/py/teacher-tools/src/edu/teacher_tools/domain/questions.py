"""Unanswered questions: a course's visible questions that no visible answer answers yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PostKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


@dataclass(frozen=True)
class Post:
    """A Q&A post as messaging shows it to the course's teacher."""

    id: str
    kind: PostKind
    author_id: str
    body: str
    created_at: datetime
    seq: int | None = None
    question_id: str | None = None  # an answer's question


def unanswered_questions(posts: Iterable[Post]) -> list[Post]:
    """The questions among ``posts`` no answer among them answers, oldest first.

    Only what others see counts: messaging hands the teacher visible posts (and the teacher's
    own pending ones, which never count as an answer: a student cannot see them yet).
    """
    posts = list(posts)
    answered = {p.question_id for p in posts if p.kind is PostKind.ANSWER and p.seq is not None}
    waiting = [
        p
        for p in posts
        if p.kind is PostKind.QUESTION and p.seq is not None and p.id not in answered
    ]
    return sorted(waiting, key=lambda p: (p.created_at, p.seq or 0))
