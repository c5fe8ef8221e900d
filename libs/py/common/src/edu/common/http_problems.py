"""FastAPI exception handlers that answer every error as ``application/problem+json``.

Install them with :func:`install_problem_handlers`. Bad input becomes a 400/422 with a message
per field, domain errors keep their status, a 405 lists every method of the path in ``Allow``,
and anything unexpected becomes a 500 whose body names the request id but never the stack trace
(which goes to the log instead). The app's OpenAPI then documents those answers as sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edu.common.allowed_methods import allowed_methods
from edu.common.body_limit import DEFAULT_MAX_BODY_BYTES, BodySizeLimitMiddleware, too_large_detail
from edu.common.openapi_problems import document_problems
from edu.common.problems import DomainError, FieldProblem
from edu.common.request_context import RequestIdMiddleware, current_request_id

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://docs.eduplatform.dev/problems/"
logger = logging.getLogger("edu.common.http")

_STATUS_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict with the current state"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "The request has invalid values"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
}


class ProblemFieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `body.email`.")
    message: str = Field(description="What is wrong, in plain words.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI identifying the problem type.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] | None = None


def problem_response(
    status: int,
    detail: str | None,
    *,
    slug: str | None = None,
    title: str | None = None,
    instance: str | None = None,
    errors: Sequence[FieldProblem] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    default_slug, default_title = _STATUS_TITLES.get(status, ("error", "Error"))
    body = Problem(
        type=PROBLEM_TYPE_BASE + (slug or default_slug),
        title=title or default_title,
        status=status,
        detail=detail,
        instance=instance,
        request_id=current_request_id(),
        errors=[ProblemFieldError(field=e.field, message=e.message) for e in errors] or None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _field_problems(errors: Iterable[Any]) -> list[FieldProblem]:
    problems = []
    for error in errors:
        location = ".".join(str(part) for part in error.get("loc", ()))
        problems.append(FieldProblem(field=location or "request", message=_plain(error)))
    return problems


def _plain(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "This field is required."
    if kind == "extra_forbidden":
        return "This field is not allowed here."
    message = str(error.get("msg", "Invalid value."))
    message = message.removeprefix("Value error, ")
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover - registration bug
        raise exc
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(
            400, "The request body is not valid JSON.", instance=request.url.path
        )
    return problem_response(
        422,
        "Some values in the request are missing or invalid; see `errors`.",
        instance=request.url.path,
        errors=_field_problems(errors),
    )


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registration bug
        raise exc
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers = dict(exc.headers) if exc.headers else {}
    if exc.status_code == 405:
        # Starlette lists only the first matching route's methods; list the whole path's.
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
    return problem_response(
        exc.status_code, detail, instance=request.url.path, headers=headers or None
    )


async def _handle_domain(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, DomainError):  # pragma: no cover - registration bug
        raise exc
    headers = None
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        headers = {"Retry-After": str(retry_after)}
    if exc.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return problem_response(
        exc.status,
        exc.detail,
        slug=exc.slug,
        title=exc.title,
        instance=request.url.path,
        errors=exc.errors,
        headers=headers,
    )


# SQLSTATEs that mean "the database cannot serve you now", not "your query is wrong":
# class 08 (connection exceptions), 57P01-57P03 (shutting down, crash recovery, cannot connect
# now) and 53300 (too many connections).
_UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
RETRY_AFTER_UNAVAILABLE_S = 5


def dependency_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says a server we depend on cannot be reached right
    now: a refused, reset or timed-out connection, a connection the driver invalidated, or a
    database answering one of the "not now" SQLSTATEs. Seen in the chaos experiments: a
    PostgreSQL restart surfaced as ``ConnectionRefusedError`` and ``CannotConnectNowError``.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionError | TimeoutError):
            return True
        if getattr(current, "connection_invalidated", False) is True:  # SQLAlchemy's disconnects
            return True
        sqlstate = getattr(current, "sqlstate", None)  # asyncpg's errors carry it
        if isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


class UnexpectedErrorMiddleware:
    """Turns an exception nothing else handled into a 500 problem, logged with its trace.

    A dependency that cannot be reached (``dependency_unavailable``: the database restarting,
    a broken connection) is nobody's bug: that is a 503 with Retry-After, logged as a warning.

    It sits inside the request-id middleware, so the log line and the response both carry the
    request id; the client sees neither the exception nor the trace.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if dependency_unavailable(exc) and not started:
                logger.warning(
                    "a dependency is unavailable on %s %s: %s: %s",
                    scope.get("method", "?"),
                    scope.get("path", "?"),
                    type(exc).__name__,
                    exc,
                )
                await problem_response(
                    503,
                    "The service cannot reach its database or another server it depends on "
                    "right now. Try again in a few seconds.",
                    instance=scope.get("path"),
                    headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)},
                )(scope, receive, send)
                return
            logger.exception(
                "unhandled error on %s %s", scope.get("method", "?"), scope.get("path", "?")
            )
            if started:
                raise
            response = problem_response(
                500,
                "Something went wrong on our side. Quote the request id when reporting it.",
                instance=scope.get("path"),
            )
            await response(scope, receive, send)


def install_problem_handlers(app: FastAPI, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """Answer every error from ``app`` as problem+json, each response carrying a request id;
    bodies over ``max_body_bytes`` get a 413 before anything reads them."""
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(DomainError, _handle_domain)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes, too_large=_body_too_large)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(RequestIdMiddleware)
    document_problems(app, _problem_schemas)


def _body_too_large(limit: int, path: str) -> JSONResponse:
    return problem_response(413, too_large_detail(limit), instance=path)


def _problem_schemas() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(Problem, "serialization")], ref_template="#/components/schemas/{model}"
    )
    found: dict[str, Any] = schemas.get("$defs", {})
    return found


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problem+json answers for ``statuses``."""
    return {
        status: {
            "model": Problem,
            "description": _STATUS_TITLES.get(status, ("error", "Error"))[1],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
