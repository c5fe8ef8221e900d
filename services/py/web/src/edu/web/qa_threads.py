"""A page of a course's Q&A as threads: each question with its answers, the visitor's own
unpublished posts (awaiting review, or rejected) in their places, and who wrote each in words
("You", "Teacher", "A student": messaging gives ids, never names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from edu.web.clients.models import QaPage, QaPost

STATUS_NOTES = {
    "pending": "Awaiting review — only you can see it until it is approved.",
    "rejected": "Not published — moderation did not accept it. Only you can see it.",
}


@dataclass
class Thread:
    """A question and its answers; ``question`` is None for answers to a question on an
    earlier page of the history."""

    question_id: UUID
    question: QaPost | None
    answers: list[QaPost] = field(default_factory=list)


def threads(page: QaPage) -> list[Thread]:
    """Questions in their places (the visitor's unpublished ones after the visible ones),
    each with its answers in order."""
    by_question: dict[UUID, Thread] = {}
    ordered: list[Thread] = []
    for post in (*page.posts, *page.unpublished):
        key = post.id if post.is_question else post.question_id
        if key is None:  # an answer without its question: nothing to hang it on
            continue
        thread = by_question.get(key)
        if thread is None:
            thread = Thread(question_id=key, question=None)
            by_question[key] = thread
            ordered.append(thread)
        if post.is_question:
            thread.question = post
        else:
            thread.answers.append(post)
    return ordered


def author_label(post: QaPost, *, viewer: UUID | None, teacher: UUID) -> str:
    if post.author_id == viewer:
        return "You"
    return "Teacher" if post.author_id == teacher else "A student"


def latest_place(page: QaPage) -> int:
    """The last place this page shows (0 for none): where the live feed goes on from."""
    return max((p.seq for p in page.posts if p.seq is not None), default=0)


def earliest_place(page: QaPage) -> int | None:
    return min((p.seq for p in page.posts if p.seq is not None), default=None)
