"""The mini toxiproxy's integration tests share a tiny echo server on 127.0.0.1, a proxy in
front of it, and the client side of a connection through it: connect, a timed round trip,
waiting for the peer to close. Real sockets and real time. The helpers are handed out as
fixtures (test modules cannot import each other)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from edu.chaos.proxy import LatencyProxy, running_proxy

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class Echo:
    """An echo server; ``connections`` counts the connections it accepted."""

    port: int = 0
    connections: int = 0


@pytest.fixture
async def echo() -> AsyncIterator[Echo]:
    state = Echo()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections += 1
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.port = int(server.sockets[0].getsockname()[1])
    yield state
    server.close()
    await server.wait_closed()


@pytest.fixture
async def proxy(echo: Echo) -> AsyncIterator[LatencyProxy]:
    async with running_proxy(f"127.0.0.1:{echo.port}", rng=random.Random(7)) as started:  # noqa: S311 - reproducible faults
        yield started


async def connect_to(proxy: LatencyProxy) -> Stream:
    return await asyncio.open_connection("127.0.0.1", proxy.listen_port)


async def timed_round_trip(stream: Stream, payload: bytes = b"ping") -> float:
    """Seconds from sending ``payload`` to having all of its echo back."""
    reader, writer = stream
    loop = asyncio.get_running_loop()
    started = loop.time()
    writer.write(payload)
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(len(payload)), 3) == payload
    return loop.time() - started


async def peer_closed(reader: asyncio.StreamReader) -> bool:
    """True once the peer has closed (EOF) or reset the connection."""
    try:
        return await asyncio.wait_for(reader.read(1), 2) == b""
    except ConnectionError:
        return True


def close_stream(stream: Stream) -> None:
    stream[1].close()


@pytest.fixture
def connect() -> Callable[[LatencyProxy], Awaitable[Stream]]:
    """``connect(proxy)``: a client connection to the proxy's listening port."""
    return connect_to


@pytest.fixture
def round_trip() -> Callable[..., Awaitable[float]]:
    """``round_trip(stream, payload=b"ping")``: seconds from sending ``payload`` to having all
    of its echo back."""
    return timed_round_trip


@pytest.fixture
def closed_by_peer() -> Callable[[asyncio.StreamReader], Awaitable[bool]]:
    """``closed_by_peer(reader)``: True once the peer has closed (EOF) or reset the connection
    (waits up to 2 s)."""
    return peer_closed


@pytest.fixture
def close() -> Callable[[Stream], None]:
    """``close(stream)``: close the client's side."""
    return close_stream
