"""The mini toxiproxy relays bytes both ways and counts them, resets new connections when
told, and closes what it cannot or no longer serves (the toxics' own rules are unit tests,
tests/unit/test_toxics.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from edu.chaos.proxy import LatencyProxy, Toxics, running_proxy
from edu.infra.probes import free_port

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Connect = Callable[[LatencyProxy], Awaitable[Stream]]
RoundTrip = Callable[..., Awaitable[float]]  # (stream, payload=b"ping")
ClosedByPeer = Callable[[asyncio.StreamReader], Awaitable[bool]]
Close = Callable[[Stream], None]


class Echo(Protocol):
    """The echo server behind the proxy (conftest.py): its port, the connections it accepted."""

    port: int
    connections: int


async def test_bytes_pass_through_both_ways_and_are_counted(
    proxy: LatencyProxy, echo: Echo, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    stream = await connect(proxy)
    payload = bytes(range(256)) * 800
    await round_trip(stream, payload)

    stats = proxy.stats
    assert (stats.bytes_upstream, stats.bytes_downstream) == (204_800, 204_800)
    assert (stats.accepted, stats.open, echo.connections) == (1, 1, 1)
    assert stats.chunks_delayed == 0

    close(stream)
    for _ in range(100):
        if proxy.stats.open == 0:
            break
        await asyncio.sleep(0.01)
    assert proxy.stats.open == 0


async def test_reset_closes_new_connections_but_spares_open_ones(
    proxy: LatencyProxy,
    echo: Echo,
    connect: Connect,
    round_trip: RoundTrip,
    closed_by_peer: ClosedByPeer,
    close: Close,
) -> None:
    survivor = await connect(proxy)
    await round_trip(survivor)

    proxy.toxics = Toxics(reset=1.0)
    reader, writer = await connect(proxy)
    writer.write(b"hello")
    assert await closed_by_peer(reader)
    assert proxy.stats.reset_by_toxic == 1
    assert echo.connections == 1  # the reset connection never reached the upstream

    assert await round_trip(survivor) < 1.0
    writer.close()
    close(survivor)


async def test_an_unreachable_upstream_closes_the_client_and_is_counted(
    connect: Connect, closed_by_peer: ClosedByPeer
) -> None:
    async with running_proxy(f"127.0.0.1:{free_port()}") as proxy:
        reader, writer = await connect(proxy)
        assert await closed_by_peer(reader)
        assert proxy.stats.upstream_unreachable == 1
        assert (proxy.stats.accepted, proxy.stats.open) == (1, 0)
        writer.close()


async def test_closing_the_proxy_drops_open_connections(
    echo: Echo, connect: Connect, round_trip: RoundTrip, closed_by_peer: ClosedByPeer, close: Close
) -> None:
    async with running_proxy(f"127.0.0.1:{echo.port}") as proxy:
        stream = await connect(proxy)
        await round_trip(stream)
    assert await closed_by_peer(stream[0])
    close(stream)
