"""Course Q&A (issue 24): the panel on the course and lesson pages, its own page for older
questions, asking, answering (the course's teacher) — plain forms that post and come back — and
where the page's script opens the live feed (messaging's WebSocket through the gateway)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import ProblemError, ServiceUnavailable, TooManyAttempts
from edu.web.clients.models import PublishedCourse, QaPost
from edu.web.forms import FormErrors
from edu.web.pages.deps import SignedInDep, VisitorDep, WebDep, checked_form
from edu.web.pages.flash import redirect_with
from edu.web.pages.rendering import render, safe_next
from edu.web.qa_threads import Thread, author_label, earliest_place, latest_place, threads
from edu.web.session import Visitor

logger = logging.getLogger("edu.web")
router = APIRouter(dependencies=[Depends(checked_form)])

PAGE_SIZE = 20
# messaging's field -> ours: the text box of the form that was sent
KNOWN_FIELDS = {"body": "text"}


@dataclass
class QaPanel:
    """What the Q&A panel shows. ``state``: open (taking part), signed-out, not-member (neither
    enrolled nor the teacher), joining (enrolled or the teacher, and messaging has not heard of
    it yet: it learns from events) or unavailable (messaging not answering)."""

    course_id: UUID
    teacher_id: UUID
    state: str
    back: str
    viewer: UUID | None = None
    threads: list[Thread] = field(default_factory=list)
    older: int | None = None  # `before` of the next older page, when there is one
    latest: int = 0  # the live feed goes on after this place
    live: bool = False  # the latest page: new posts are added as they come
    # the ask form's, or one answer form's (by question) errors and text after a refusal
    errors: FormErrors = field(default_factory=FormErrors)
    text: str = ""
    answering: UUID | None = None

    @property
    def is_teacher(self) -> bool:
        return self.viewer is not None and self.viewer == self.teacher_id

    def author(self, post: QaPost) -> str:
        return author_label(post, viewer=self.viewer, teacher=self.teacher_id)


async def panel(
    wired: WebContainer,
    who: Visitor,
    course: PublishedCourse,
    *,
    back: str,
    before: int | None = None,
    enrolled: bool = False,
) -> QaPanel:
    """The panel for ``who`` on a page of ``course``; messaging decides who takes part
    (``enrolled``: enrollment says the visitor is, so a 403 means messaging has not heard yet)."""
    empty = QaPanel(
        course_id=course.id, teacher_id=course.teacher_id, state="signed-out", back=back
    )
    member = who.member()
    if member is None:
        return empty
    empty.viewer = member.principal.user_id
    try:
        page = await wired.messaging.posts(member.token, course.id, before=before, limit=PAGE_SIZE)
    except (ServiceUnavailable, TooManyAttempts) as exc:
        logger.info("Q&A unavailable: %s", exc)
        empty.state = "unavailable"
        return empty
    except ProblemError as exc:
        if exc.status != 403:
            raise
        teaches = member.principal.user_id == course.teacher_id
        empty.state = "joining" if enrolled or teaches else "not-member"
        return empty
    empty.state = "open"
    empty.threads = threads(page)
    empty.older = earliest_place(page) if page.more else None
    empty.latest = latest_place(page)
    empty.live = before is None
    return empty


@router.get("/courses/{course_id}/qa", response_class=HTMLResponse)
async def qa_page(
    request: Request, course_id: UUID, wired: WebDep, who: VisitorDep, before: int | None = None
) -> HTMLResponse:
    """A course's questions and answers: the latest, or those before a place (older pages)."""
    course = await wired.course.course(course_id)
    back = f"/courses/{course_id}/qa"
    qa = await panel(wired, who, course, back=back, before=before)
    return await render(request, "qa.html", course=course, qa=qa)


@router.post("/courses/{course_id}/qa/questions", response_model=None)
async def ask(
    request: Request,
    course_id: UUID,
    wired: WebDep,
    who: SignedInDep,
    text: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Ask a question; back to the page it was asked on (a refusal: at the field, text kept)."""
    back = _back(back, course_id)
    try:
        await wired.messaging.ask(who.token, course_id, text)
    except ProblemError as exc:
        if exc.status != 422:
            raise
        return await _refused(request, wired, course_id, back, exc, text, None)
    return redirect_with(wired, f"{back}#qa", "question-sent")


@router.post("/courses/{course_id}/qa/questions/{question_id}/answers", response_model=None)
async def answer(
    request: Request,
    course_id: UUID,
    question_id: UUID,
    wired: WebDep,
    who: SignedInDep,
    text: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Answer a question; back to the page it was answered on."""
    back = _back(back, course_id)
    try:
        await wired.messaging.answer(who.token, course_id, question_id, text)
    except ProblemError as exc:
        if exc.status != 422:
            raise
        return await _refused(request, wired, course_id, back, exc, text, question_id)
    return redirect_with(wired, f"{back}#qa-thread-{question_id}", "answer-sent")


@router.get("/courses/{course_id}/qa/live", response_model=None)
async def live(course_id: UUID, wired: WebDep, who: VisitorDep) -> JSONResponse:
    """Where the page's script opens the live feed, and the token it opens it with (the
    session's access token: the browser cannot read the HttpOnly cookie, and messaging
    checks the token and the course itself). Never cached."""
    headers = {"Cache-Control": "no-store"}
    if who.token is None:
        return JSONResponse({"detail": "Log in again."}, status_code=401, headers=headers)
    url = f"{wired.settings.qa_websocket_url}?course_id={course_id}"
    return JSONResponse({"url": url, "token": who.token}, headers=headers)


def _back(candidate: str, course_id: UUID) -> str:
    """Only a page of this course: the course page, one of its lessons or its Q&A page."""
    default = f"/courses/{course_id}"
    back = safe_next(candidate, default).split("#", 1)[0]
    return back if back == default or back.startswith(default + "/") else default


async def _refused(
    request: Request,
    wired: WebContainer,
    course_id: UUID,
    back: str,
    problem: ProblemError,
    text: str,
    question: UUID | None,
) -> HTMLResponse:
    """The Q&A page again, the reason at the field that was sent and its text kept (422)."""
    course = await wired.course.course(course_id)
    who: Visitor = request.state.visitor
    qa = await panel(wired, who, course, back=back)
    qa.errors = FormErrors.from_problem(problem, KNOWN_FIELDS)
    qa.text = text
    qa.answering = question
    return await render(request, "qa.html", status_code=422, course=course, qa=qa)
