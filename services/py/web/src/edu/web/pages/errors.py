"""Every failure becomes a page a person can act on, never a stack trace: an unreachable
service is a 503 "try again shortly", an expired session a trip to log-in and back, a stale
form a 403 "reload", anything unknown a 500 that says so (its trace goes to the log)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from edu.web.clients.errors import (
    NotSignedIn,
    ProblemError,
    ServiceUnavailable,
    TooManyAttempts,
)
from edu.web.csrf import CsrfRejected
from edu.web.pages.deps import SignInRequired, TeachersOnly, back_to
from edu.web.pages.rendering import render_plain, see_other
from edu.web.session import forget

logger = logging.getLogger("edu.web")

_TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    409: "That did not work",
    413: "Too large to send",
    422: "That did not work",
    429: "Too many attempts",
}


def to_log_in(request: Request, back: str) -> Response:
    return see_other("/login?" + urlencode({"next": back}))


async def _unavailable(request: Request, exc: Exception) -> Response:
    service = exc.service if isinstance(exc, ServiceUnavailable) else "a service"
    logger.warning("%s %s: %s", request.method, request.url.path, exc)
    response = render_plain(request, "unavailable.html", status_code=503, service=service)
    response.headers["Retry-After"] = "30"
    return response


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    forget(request)  # a service refused the token: the session is over
    return to_log_in(request, back_to(request))


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    back = exc.back_to if isinstance(exc, SignInRequired) else "/"
    return to_log_in(request, back)


async def _teachers_only(request: Request, exc: Exception) -> Response:
    return see_other("/teach")


async def _csrf(request: Request, exc: Exception) -> Response:
    logger.info("refused a form post to %s: %s", request.url.path, exc)
    return render_plain(request, "stale_form.html", status_code=403)


async def _too_many(request: Request, exc: Exception) -> Response:
    wait = exc.retry_after if isinstance(exc, TooManyAttempts) else 60
    logger.info("%s %s held back: %s", request.method, request.url.path, exc)
    message = f"There have been too many attempts. Please try again in {_duration(wait)}."
    response = _error_page(request, 429, message)
    response.headers["Retry-After"] = str(wait)
    return response


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{max(1, seconds)} seconds"
    return f"{(seconds + 59) // 60} minutes"


async def _problem(request: Request, exc: Exception) -> Response:
    status = exc.status if isinstance(exc, ProblemError) else 400
    message = exc.message if isinstance(exc, ProblemError) else ""
    return _error_page(request, status, message)


async def _http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 404
    # A body over the cap (edu.common.body_limit) says how large it may be.
    detail = exc.detail if status == 413 and isinstance(exc, StarletteHTTPException) else ""
    return _error_page(request, status, detail)


async def _bad_path(request: Request, exc: Exception) -> Response:
    # Route parameters that do not parse (a mangled course id) name no page we have.
    return _error_page(request, 404, "")


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return render_plain(
        request,
        "error.html",
        status_code=500,
        title="Something went wrong",
        message="Something went wrong on our side. Please try again.",
    )


def _error_page(request: Request, status: int, message: str) -> Response:
    status = status if 400 <= status < 600 else 400
    title = _TITLES.get(status, "That did not work")
    if status == 404 and not message:
        message = "There is nothing at this address. It may have moved or been unpublished."
    return render_plain(request, "error.html", status_code=status, title=title, message=message)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(ServiceUnavailable, _unavailable)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(TeachersOnly, _teachers_only)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _bad_path)
    app.add_exception_handler(Exception, _unexpected)
