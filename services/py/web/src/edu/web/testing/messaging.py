"""FakeMessagingClient: a course's Q&A in memory, taking part checked as messaging checks it
(the course's teacher in the fake course service, or enrolled in the fake enrollment one), with
moderation played by a word list: a post with a ``rejected_words`` word is rejected, one with a
``held_words`` word stays pending, any other is visible at once with the next place."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from edu.web.clients.errors import ProblemError, ServiceUnavailable
from edu.web.clients.models import QaPage, QaPost
from edu.web.testing.enrollment import FakeEnrollmentClient
from edu.web.testing.switch import caller_of

MAX_BODY = 10_000
START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@dataclass
class FakeMessagingClient:
    enrollments: FakeEnrollmentClient
    name: str = "messaging"
    down: bool = False  # True: every call fails as an unreachable service does
    rejected_words: tuple[str, ...] = ("spamword",)
    held_words: tuple[str, ...] = ("heldword",)
    stored: list[QaPost] = field(default_factory=list)
    # users whose enrolment (or course) messaging has not heard of yet: 403 for them
    not_heard_of: set[UUID] = field(default_factory=set)
    # (course, before, limit) of every page asked
    pages: list[tuple[UUID, int | None, int]] = field(default_factory=list)

    async def posts(
        self, token: str, course_id: UUID, *, before: int | None = None, limit: int = 50
    ) -> QaPage:
        self._up()
        caller = self._member(token, course_id)
        self.pages.append((course_id, before, limit))
        visible = [
            p
            for p in self.stored
            if p.course_id == course_id and p.seq is not None and (before is None or p.seq < before)
        ]
        page = visible[-limit:]
        unpublished = [
            p
            for p in self.stored
            if p.course_id == course_id and p.seq is None and p.author_id == caller
        ]
        return QaPage(
            posts=tuple(page), more=len(visible) > len(page), unpublished=tuple(unpublished)
        )

    async def ask(self, token: str, course_id: UUID, body: str) -> QaPost:
        self._up()
        return self._post(self._member(token, course_id), course_id, body, None)

    async def answer(self, token: str, course_id: UUID, question_id: UUID, body: str) -> QaPost:
        self._up()
        caller = self._member(token, course_id)
        question = next((p for p in self.stored if p.id == question_id), None)
        seen = question is not None and (question.seq is not None or question.author_id == caller)
        if question is None or not question.is_question or not seen:
            raise ProblemError(
                404, "Not Found", f"There is no question {question_id} in this course."
            )
        return self._post(caller, course_id, body, question_id)

    def _up(self) -> None:
        # not Switchable.answer: "answer" is a question's answer in this port
        if self.down:
            raise ServiceUnavailable(self.name, "ConnectError")

    def _member(self, token: str, course_id: UUID) -> UUID:
        caller = caller_of(self.enrollments.courses.verifier, token)
        stored = self.enrollments.courses.courses.get(course_id)
        teaches = stored is not None and stored.teacher_id == caller
        enrolled = any(
            owner == caller and e.course_id == course_id
            for owner, e in self.enrollments.enrollments_by_id.values()
        )
        if not (teaches or enrolled) or caller in self.not_heard_of:
            raise ProblemError(
                403,
                "Forbidden",
                "A course's Q&A is for its enrolled students and its teacher only.",
            )
        return caller

    def _post(self, author: UUID, course_id: UUID, body: str, question: UUID | None) -> QaPost:
        text = body.strip()
        if not text or len(text) > MAX_BODY:
            why = (
                "write something: the text is empty"
                if not text
                else f"at most {MAX_BODY} characters (this has {len(text)})"
            )
            raise ProblemError(
                422,
                "Unprocessable Content",
                "Some values in the body are not valid.",
                {"body": (why,)},
            )
        lowered = text.lower()
        if any(word in lowered for word in self.rejected_words):
            status, seq = "rejected", None
        elif any(word in lowered for word in self.held_words):
            status, seq = "pending", None
        else:
            places = [p.seq for p in self.stored if p.course_id == course_id and p.seq is not None]
            status, seq = "visible", max(places, default=0) + 1
        post = QaPost(
            id=uuid.uuid4(),
            course_id=course_id,
            kind="question" if question is None else "answer",
            author_id=author,
            body=text,
            status=status,
            created_at=START + timedelta(minutes=len(self.stored)),
            question_id=question,
            seq=seq,
        )
        self.stored.append(post)
        return post
