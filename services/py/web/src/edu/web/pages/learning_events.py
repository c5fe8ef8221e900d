"""``POST /learning-events``: the lesson and catalogue pages' script hands its batch here, and
web forwards it to event-ingestion with the signed-in student's access token, each event's
user stamped from the session (ADR 0008 decision 12). Answers are JSON for the script, not
pages: 202 with ingestion's report, problem+json otherwise (401 signed out: the events are
dropped; 403 a stale page's CSRF token; 413 too large; 422 a malformed batch; 429 and 503 with
``Retry-After``: the script keeps the events and retries them with the same ids)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect

from edu.common.http_problems import problem_response, problem_responses
from edu.common.problems import FieldProblem
from edu.web.clients.errors import NotSignedIn, ProblemError, ServiceUnavailable, TooManyAttempts
from edu.web.csrf import CSRF_COOKIE, CsrfRejected, session_of
from edu.web.learning_events import MAX_BODY_BYTES, BadBatch, read_batch
from edu.web.pages.deps import VisitorDep, WebDep

logger = logging.getLogger("edu.web")
router = APIRouter()
UNAVAILABLE_RETRY_AFTER = "5"


class _TooLarge(Exception):
    pass


@router.post(
    "/learning-events",
    status_code=202,
    responses=problem_responses(401, 403, 413, 422, 429, 503),
)
async def learning_events(request: Request, wired: WebDep, who: VisitorDep) -> Response:
    """Forward the page's learning events to event-ingestion as the signed-in student."""
    member = who.member()
    if member is None:
        return problem_response(401, "Sign in to record learning events; these were dropped.")
    try:
        body = await _bounded_body(request)
    except _TooLarge:
        return problem_response(413, f"A batch may have at most {MAX_BODY_BYTES} bytes.")
    except ClientDisconnect:
        return Response(status_code=400)
    try:
        batch = read_batch(body)
        session = session_of(member.principal)
        wired.csrf.check(request.cookies.get(CSRF_COOKIE), batch.csrf_token, session)
    except BadBatch as bad:
        return problem_response(422, bad.detail, errors=bad.problems)
    except CsrfRejected as stale:
        return problem_response(403, f"This page is out of date ({stale}): reload it.")
    events = [event.stamped(member.principal.user_id) for event in batch.events]
    try:
        report = await wired.learning_events.send(member.token, events)
    except ServiceUnavailable as exc:
        logger.info("learning events not forwarded: %s", exc)
        return problem_response(
            503,
            "Learning events cannot be recorded right now; send them again later.",
            headers={"Retry-After": UNAVAILABLE_RETRY_AFTER},
        )
    except TooManyAttempts as exc:
        return problem_response(
            429, exc.detail or "Too many events.", headers={"Retry-After": str(exc.retry_after)}
        )
    except NotSignedIn:
        return problem_response(401, "Your session has ended; these events were dropped.")
    except ProblemError as refused:
        problems = tuple(
            FieldProblem(name, message)
            for name, messages in refused.field_errors.items()
            for message in messages
        )
        return problem_response(refused.status, refused.message, errors=problems)
    return JSONResponse(report.model_dump(mode="json"), status_code=202)


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            raise _TooLarge
    return bytes(received)
