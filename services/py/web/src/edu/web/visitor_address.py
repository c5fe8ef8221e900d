"""The visitor's address, passed on to identity so that it throttles visitors, not web.

:class:`VisitorAddressMiddleware` works out who is asking (``edu.common.client_address``: the
peer, or the address a trusted proxy in front of web forwarded) and keeps it for the request;
:class:`ForwardingTransport` adds it to every call web then makes to identity, with web's
``EDU_PROXY_TOKEN`` (ADR 0015). Headers the visitor sent are never passed on.
"""

from __future__ import annotations

from contextvars import ContextVar

import httpx
from pydantic import SecretStr
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from edu.common.client_address import (
    CLIENT_ADDRESS_HEADER,
    PROXY_TOKEN_HEADER,
    client_address,
    forwarding_headers,
)

_visitor_address: ContextVar[str | None] = ContextVar("edu_web_visitor_address", default=None)


def visitor_address() -> str | None:
    """The address of the visitor whose request is being served, if any."""
    return _visitor_address.get()


class VisitorAddressMiddleware:
    def __init__(self, app: ASGIApp, *, proxy_token: SecretStr) -> None:
        self.app = app
        self.proxy_token = proxy_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope.get("client")
        address = client_address(Headers(scope=scope), peer[0] if peer else None, self.proxy_token)
        reset = _visitor_address.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            _visitor_address.reset(reset)


class ForwardingTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends the current visitor's address along with each call."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, proxy_token: SecretStr) -> None:
        self._inner = inner
        self._token = proxy_token

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for name in (CLIENT_ADDRESS_HEADER, PROXY_TOKEN_HEADER):
            request.headers.pop(name, None)
        address = visitor_address()
        if address is not None:
            request.headers.update(forwarding_headers(address, self._token))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
