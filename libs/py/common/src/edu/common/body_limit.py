"""A cap on request bodies, answered 413 problem+json before the body is read or parsed.

A request that announces a ``Content-Length`` above the cap is refused at once: the app is never
called and not a byte of the body is read. A body without a length (chunked) is counted as it
streams in, and the request is refused as soon as the count passes the cap, before anything
parses it. :func:`edu.common.http_problems.install_problem_handlers` installs it in every
service with the service's ``EDU_MAX_REQUEST_BODY_BYTES`` (see ``ServiceSettings``).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The largest real request: a lesson of 100,000 characters (course's BODY_MAX) sent as JSON with
# every character escaped (``\ud83d\ude00``: 12 bytes for one emoji) or as a form with every
# byte percent-encoded (``%F0%9F%98%80``: 12 bytes) is 1.2 MB; 2 MiB leaves room for the rest.
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than this service accepts ({limit} bytes at most)."


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the cap: every app's HTTP error
    handling turns it into a 413 (problem+json in the services, a page in web)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


class BodySizeLimitMiddleware:
    """Refuses bodies over ``max_bytes``: announced ones with ``too_large(limit, path)`` before
    the app runs, streamed ones by raising :class:`BodyTooLarge` from ``receive``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        too_large: Callable[[int, str], Response],
    ) -> None:
        if max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.max_bytes:
            response = self.too_large(self.max_bytes, str(scope.get("path", "")))
            # Close the connection: the client may still be sending the body we refused.
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        limit = self.max_bytes
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None
