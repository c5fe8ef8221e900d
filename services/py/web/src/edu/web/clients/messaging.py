"""messaging's API (Rust, issue 24): a course's Q&A — its history in pages, asking and
answering — for its enrolled students and its teacher, with the visitor's token, reached through
the api-gateway like every other service. The live feed is the browser's own WebSocket to the
gateway's ``/ws`` (static/qa-live.js); web only tells it where and with which token."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from edu.web.clients.models import QaPage, QaPost
from edu.web.clients.transport import ServiceTransport


class MessagingClient(Protocol):
    async def posts(
        self, token: str, course_id: UUID, *, before: int | None = None, limit: int = 50
    ) -> QaPage:
        """The latest ``limit`` visible posts (those before place ``before`` when given) and
        the caller's own unpublished ones; ProblemError 403 for someone neither enrolled nor
        the teacher."""
        ...

    async def ask(self, token: str, course_id: UUID, body: str) -> QaPost:
        """A new question, pending moderation; ProblemError 422 naming ``body`` when empty or
        too long."""
        ...

    async def answer(self, token: str, course_id: UUID, question_id: UUID, body: str) -> QaPost:
        """A new answer to a question the caller sees; ProblemError 404 for any other."""
        ...


class HttpMessagingClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def posts(
        self, token: str, course_id: UUID, *, before: int | None = None, limit: int = 50
    ) -> QaPage:
        params: dict[str, int] = {"limit": limit}
        if before is not None:
            params["before"] = before
        response = await self._http.call(
            "GET", f"/qa/courses/{course_id}/posts", token=token, params=params
        )
        return QaPage.model_validate(response.json())

    async def ask(self, token: str, course_id: UUID, body: str) -> QaPost:
        response = await self._http.call(
            "POST", f"/qa/courses/{course_id}/questions", token=token, json={"body": body}
        )
        return QaPost.model_validate(response.json())

    async def answer(self, token: str, course_id: UUID, question_id: UUID, body: str) -> QaPost:
        response = await self._http.call(
            "POST",
            f"/qa/courses/{course_id}/questions/{question_id}/answers",
            token=token,
            json={"body": body},
        )
        return QaPost.model_validate(response.json())
