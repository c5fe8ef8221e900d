"""Bodies over the cap are refused 413 problem+json before anything reads or parses them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.types import Message

from edu.common.body_limit import DEFAULT_MAX_BODY_BYTES
from edu.common.http_problems import PROBLEM_JSON, install_problem_handlers

LIMIT = 4096
TWENTY_MB = 20 * 1024 * 1024


class Note(BaseModel):
    text: str


def make_app() -> tuple[FastAPI, list[str]]:
    app = FastAPI()
    install_problem_handlers(app, max_body_bytes=LIMIT)
    called: list[str] = []

    @app.post("/notes")
    async def add(note: Note) -> dict[str, int]:
        called.append(note.text)
        return {"length": len(note.text)}

    return app, called


async def send_raw(
    app: FastAPI, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> tuple[int, dict[str, str], bytes, int]:
    """Call the ASGI app directly; returns status, headers, body and how often it received."""
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    received = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal received
        received += 1
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)  # pragma: no cover - a test that waits here fails by timeout
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/notes",
        "raw_path": b"/notes",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"svc.test"), (b"content-type", b"application/json"), *headers],
        "client": ("198.51.100.7", 5000),
        "server": ("svc.test", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=5)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    decoded = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], decoded, body, received


class TestAnnouncedLength:
    async def test_a_20_mb_content_length_is_refused_413_without_reading_the_body(self) -> None:
        app, called = make_app()

        status, headers, body, received = await send_raw(
            app, [(b"content-length", str(TWENTY_MB).encode())], [b"{"]
        )

        assert status == 413
        assert headers["content-type"] == PROBLEM_JSON
        assert headers["connection"] == "close"
        problem = json.loads(body)
        assert problem["type"].endswith("/payload-too-large")
        assert str(LIMIT) in problem["detail"]
        assert problem["request_id"]
        assert received == 0  # not a byte of the body was read
        assert called == []

    async def test_a_body_within_the_cap_is_served(self) -> None:
        app, called = make_app()
        payload = json.dumps({"text": "x" * (LIMIT - 20)}).encode()

        status, _, _, _ = await send_raw(
            app, [(b"content-length", str(len(payload)).encode())], [payload]
        )

        assert status == 200
        assert called == ["x" * (LIMIT - 20)]


class TestStreamedBody:
    async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_cap(self) -> None:
        app, called = make_app()
        chunks = [b'{"text": "', *([b"y" * 1024] * 64), b'"}']

        status, headers, body, received = await send_raw(app, [], chunks)

        assert status == 413
        assert headers["content-type"] == PROBLEM_JSON
        assert json.loads(body)["status"] == 413
        assert received <= LIMIT // 1024 + 2  # stopped reading at the cap, not at the end
        assert called == []

    async def test_through_httpx_a_streamed_upload_gets_the_413(self) -> None:
        app, _ = make_app()

        async def upload() -> AsyncIterator[bytes]:
            for _ in range(10):
                yield b"z" * 1024

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
            answer = await client.post("/notes", content=upload())

        assert answer.status_code == 413
        assert answer.headers["content-type"] == PROBLEM_JSON


class TestDefaults:
    def test_the_default_cap_fits_the_largest_lesson_escaped_in_full(self) -> None:
        lesson = "\U0001f600" * 100_000  # course's BODY_MAX, every character escaped
        assert len(json.dumps({"body_markdown": lesson}).encode()) < DEFAULT_MAX_BODY_BYTES

    def test_every_operation_with_a_body_documents_the_413(self) -> None:
        app, _ = make_app()
        responses = app.openapi()["paths"]["/notes"]["post"]["responses"]
        assert PROBLEM_JSON in responses["413"]["content"]
