"""The proxy's control API: plain HTTP/1.1 on 127.0.0.1, JSON bodies, ``Connection: close``.

``GET /`` the state; ``GET``/``PUT``/``PATCH``/``DELETE /toxics`` read, replace, change or
clear the toxics; bad toxics are a 400 problem, anything else a 404 (see the package docstring).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any, Final, Protocol

from edu.chaos.proxy.toxics import Toxics, ToxicsError

_CONTROL_TIMEOUT: Final = 5.0
_MAX_BODY: Final = 64 * 1024
_MAX_HEADERS: Final = 100


class ControlledProxy(Protocol):
    """What the control API reads and changes on the proxy."""

    @property
    def toxics(self) -> Toxics: ...

    @toxics.setter
    def toxics(self, toxics: Toxics) -> None: ...

    def clear_toxics(self) -> Toxics: ...

    def state(self) -> dict[str, Any]: ...


class _BadRequest(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _problem(status: int, title: str, detail: str) -> tuple[int, dict[str, Any], str]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return status, body, "application/problem+json"


async def answer(
    proxy: ControlledProxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Read one request, change or report the proxy's toxics, answer, close the connection."""
    try:
        method, path, body = await asyncio.wait_for(_read_request(reader), _CONTROL_TIMEOUT)
        status, payload, content_type = _route(proxy, method, path, body)
    except _BadRequest as bad:
        status, payload, content_type = _problem(bad.status, bad.title, bad.detail)
    except TimeoutError:
        status, payload, content_type = _problem(
            408, "Request timeout", f"no complete request within {_CONTROL_TIMEOUT:g} s"
        )
    data = json.dumps(payload).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    )
    try:
        writer.write(head.encode("latin-1") + data)
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    except OSError:
        writer.transport.abort()


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, bytes]:
    def bad(detail: str) -> _BadRequest:
        return _BadRequest(400, "Bad request", detail)

    try:
        parts = (await reader.readline()).decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise bad("expected a request line such as 'PUT /toxics HTTP/1.1'")
        method, target, _ = parts
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADERS):
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                raise bad(f"malformed header line {line!r}")
            headers[name.strip().lower()] = value.strip()
        else:
            raise bad(f"more than {_MAX_HEADERS} headers")
        if "transfer-encoding" in headers:
            raise bad("chunked bodies are not supported; send Content-Length")
        length = headers.get("content-length", "0")
        if not length.isdigit():
            raise bad(f"Content-Length must be a number of bytes, got {length!r}")
        if int(length) > _MAX_BODY:
            raise _BadRequest(
                413, "Content too large", f"the body may be at most {_MAX_BODY} bytes"
            )
        body = await reader.readexactly(int(length))
    except asyncio.IncompleteReadError as exc:
        raise bad("the connection closed before the whole body arrived") from exc
    except ValueError as exc:  # a line longer than the reader's limit
        raise bad(f"request line or header too long: {exc}") from exc
    return method.upper(), target.split("?", 1)[0], body


def _route(
    proxy: ControlledProxy, method: str, path: str, body: bytes
) -> tuple[int, dict[str, Any], str]:
    if path == "/" and method == "GET":
        return 200, proxy.state(), "application/json"
    if path == "/toxics":
        if method == "GET":
            return 200, proxy.toxics.to_json(), "application/json"
        if method == "DELETE":
            return 200, proxy.clear_toxics().to_json(), "application/json"
        if method in ("PUT", "PATCH"):
            try:
                parsed: object = json.loads(body)
            except ValueError as exc:  # UnicodeDecodeError included
                return _problem(400, "Bad toxics", f"the body is not valid JSON: {exc}")
            base = proxy.toxics if method == "PATCH" else None
            try:
                proxy.toxics = Toxics.from_json(parsed, base=base)
            except ToxicsError as exc:
                return _problem(400, "Bad toxics", str(exc))
            return 200, proxy.toxics.to_json(), "application/json"
    return _problem(
        404,
        "Not found",
        f"no {method} {path}; the control API has GET /, and GET, PUT, PATCH, DELETE /toxics",
    )
