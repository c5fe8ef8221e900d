"""The web FastAPI app: ``make_app(settings, **overrides)``."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from edu.common.body_limit import BodySizeLimitMiddleware
from edu.web.bootstrap import WebContainer, bootstrap
from edu.web.csrf import CSRF_COOKIE, CsrfTokens
from edu.web.pages import (
    account,
    catalogue,
    certificate_documents,
    checkout,
    learning,
    learning_events,
    lesson_captions,
    lesson_videos,
    lessons,
    qa,
    teaching,
)
from edu.web.pages.errors import install_error_pages
from edu.web.session import write_session_cookies
from edu.web.settings import WebSettings
from edu.web.visitor_address import VisitorAddressMiddleware

# No inline script or style anywhere: pages are plain HTML, one stylesheet and one script of
# our own (the learning events of ADR 0008 decision 12; every page works without it), which
# may only talk to this origin. Lesson images and videos may come from any https host.
# The Q&A's live feed (static/qa-live.js) may also open its WebSocket to messaging's /ws on
# the gateway (EDU_QA_LIVE_URL's origin; issue 24). Uploaded lesson videos and their posters
# come from the gateway's signed /play links (EDU_PUBLIC_BASE_URL, else video-processor's
# service URL; issue 25).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; "
    "script-src 'self'; connect-src 'self'; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def content_security_policy(settings: WebSettings) -> str:
    """The pages' policy, letting scripts connect to the Q&A WebSocket's origin too, and
    media and images come from where the videos are served."""
    video = settings.video_origin
    return (
        CONTENT_SECURITY_POLICY.replace(
            "connect-src 'self'", f"connect-src 'self' {settings.qa_websocket_origin}"
        )
        .replace("img-src 'self'", f"img-src 'self' {video}")
        .replace("media-src 'self'", f"media-src 'self' {video}")
    )


def make_app(settings: WebSettings, **overrides: Any) -> FastAPI:
    """Build the app; ``overrides`` replace clients or their transports (see ``bootstrap``)."""
    wired = bootstrap(settings, **overrides)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await wired.close()

    # A browser front end: no OpenAPI pages, they would only advertise form endpoints.
    app = FastAPI(
        title="eduplatform web", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.web = wired
    app.middleware("http")(_cookies(wired))
    # A streamed body over the cap raises an HTTP 413 that the error pages show; one announced
    # too large is refused here, before any page runs.
    # The lesson video upload form alone may send a whole video (EDU_VIDEO_UPLOAD_MAX_BYTES).
    app.add_middleware(
        _PathBodyLimits,
        default=settings.max_request_body_bytes,
        larger=(lesson_videos.UPLOAD_PATH, settings.video_upload_max_bytes),
    )
    # Outermost: who is asking, for identity's per-visitor limits (ADR 0015).
    app.add_middleware(VisitorAddressMiddleware, proxy_token=settings.proxy_token)
    install_error_pages(app)
    static = Path(__file__).parents[1] / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    for module in (catalogue, checkout, lessons, account, learning, teaching, learning_events, qa):
        app.include_router(module.router)
    app.include_router(certificate_documents.router)
    app.include_router(lesson_videos.router)
    app.include_router(lesson_captions.router)

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


class _PathBodyLimits:
    """:class:`BodySizeLimitMiddleware` with a larger cap for the paths one pattern matches."""

    def __init__(self, app: ASGIApp, *, default: int, larger: tuple[re.Pattern[str], int]) -> None:
        self._pattern = larger[0]
        self._default = BodySizeLimitMiddleware(app, max_bytes=default, too_large=_too_large)
        self._larger = BodySizeLimitMiddleware(app, max_bytes=larger[1], too_large=_too_large)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        larger = scope["type"] == "http" and self._pattern.match(scope.get("path", ""))
        await (self._larger if larger else self._default)(scope, receive, send)


def _too_large(limit: int, path: str) -> Response:
    return PlainTextResponse(
        f"What you sent is larger than this site accepts ({limit} bytes at most). "
        "Go back, shorten it and send it again.",
        status_code=413,
    )


def _cookies(
    wired: WebContainer,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Gives each browser its CSRF cookie, and writes the session cookies a page changed."""
    secure = wired.settings.secure_cookies
    policy = content_security_policy(wired.settings)

    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        nonce = request.cookies.get(CSRF_COOKIE)
        request.state.csrf_nonce = nonce or CsrfTokens.new_nonce()
        response = await call_next(request)
        if nonce is None:
            response.set_cookie(
                CSRF_COOKIE,
                request.state.csrf_nonce,
                path="/",
                secure=secure,
                httponly=True,
                samesite="lax",
            )
        write_session_cookies(request, response, secure=secure)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return middleware
