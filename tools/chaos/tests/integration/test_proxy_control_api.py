"""The mini toxiproxy's HTTP control API and its client: toxics set, read and cleared; bad
toxics, unknown routes and malformed requests answered with a problem and nothing changed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx
import pytest

from edu.chaos.proxy import LatencyProxy, ProxyControl, ProxyControlError, Toxics
from edu.infra.probes import free_port

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Connect = Callable[[LatencyProxy], Awaitable[Stream]]
RoundTrip = Callable[..., Awaitable[float]]  # (stream, payload=b"ping")
Close = Callable[[Stream], None]


class Echo(Protocol):
    port: int  # of the echo server behind the proxy (conftest.py)


def control(proxy: LatencyProxy) -> ProxyControl:
    assert proxy.control_url is not None
    return ProxyControl(proxy.control_url)


async def test_the_client_sets_reads_and_clears_toxics(
    proxy: LatencyProxy, echo: Echo, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    client = control(proxy)
    stream = await connect(proxy)
    await round_trip(stream, b"x" * 10)

    state = await asyncio.to_thread(client.state)
    assert state["listen"] == f"127.0.0.1:{proxy.listen_port}"
    assert state["upstream"] == f"127.0.0.1:{echo.port}"
    assert state["toxics"] == Toxics().to_json()
    assert state["stats"]["accepted"] == 1
    assert state["stats"]["bytes_upstream"] == state["stats"]["bytes_downstream"] == 10

    answer = await asyncio.to_thread(client.toxics, latency_ms=150, jitter_ms=5)
    assert answer == {**Toxics().to_json(), "latency_ms": 150.0, "jitter_ms": 5.0}
    assert proxy.toxics == Toxics(latency_ms=150, jitter_ms=5)

    # PUT replaces (jitter back to 0); PATCH changes only what it names.
    await asyncio.to_thread(client.toxics, latency_ms=150)
    assert proxy.toxics == Toxics(latency_ms=150)
    await asyncio.to_thread(client.update, direction="upstream")
    assert proxy.toxics == Toxics(latency_ms=150, direction="upstream")

    assert await asyncio.to_thread(client.clear) == Toxics().to_json()
    assert proxy.toxics == Toxics()
    close(stream)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b'{"latency_ms": -5}', "latency_ms is a duration in milliseconds and cannot be negative"),
        (b'{"loss": 1.5}', "loss is a probability between 0 and 1, got 1.5"),
        (b'{"reset": -0.1}', "reset is a probability between 0 and 1"),
        (b'{"latency": 150}', "unknown toxic latency; known: latency_ms"),
        (
            b'{"direction": "sideways"}',
            'direction must be one of upstream, downstream, both, got "sid',
        ),
        (b'{"latency_ms": "150"}', 'latency_ms must be a number, got "150"'),
        (b'{"loss": true}', "loss must be a number, got true"),
        (b'{"rto_ms": Infinity}', "rto_ms must be a finite number"),
        (b"[150]", "the body must be a JSON object"),
        (b"{latency_ms: 150", "the body is not valid JSON"),
        (b"", "the body is not valid JSON"),
    ],
)
async def test_bad_toxics_are_a_400_problem_and_change_nothing(
    proxy: LatencyProxy, body: bytes, detail: str
) -> None:
    proxy.toxics = Toxics(latency_ms=7)
    async with httpx.AsyncClient(base_url=str(proxy.control_url), trust_env=False) as http:
        response = await http.put("/toxics", content=body)

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {k: problem[k] for k in ("type", "title", "status")} == {
        "type": "about:blank",
        "title": "Bad toxics",
        "status": 400,
    }
    assert detail in problem["detail"]
    assert proxy.toxics == Toxics(latency_ms=7)


async def test_the_client_raises_with_the_problem_detail(proxy: LatencyProxy) -> None:
    with pytest.raises(ProxyControlError) as raised:
        await asyncio.to_thread(control(proxy).toxics, loss=2)
    assert raised.value.status == 400
    assert raised.value.detail == "loss is a probability between 0 and 1, got 2"


async def test_the_client_raises_when_nobody_answers() -> None:
    client = ProxyControl(f"http://127.0.0.1:{free_port()}", timeout=1)
    with pytest.raises(ProxyControlError) as raised:
        await asyncio.to_thread(client.state)
    assert raised.value.status is None


@pytest.mark.parametrize(("method", "path"), [("GET", "/nope"), ("POST", "/toxics"), ("PUT", "/")])
async def test_unknown_routes_are_a_404_problem(
    proxy: LatencyProxy, method: str, path: str
) -> None:
    async with httpx.AsyncClient(base_url=str(proxy.control_url), trust_env=False) as http:
        response = await http.request(method, path, json={})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith(f"no {method} {path};")


async def test_a_malformed_request_is_a_400(proxy: LatencyProxy) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.control_port)
    writer.write(b"hello there\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), 2)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"Connection: close" in head
    assert json.loads(body)["title"] == "Bad request"
