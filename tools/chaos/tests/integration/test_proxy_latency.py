"""The mini toxiproxy's latency and loss: both ways or one, per chunk without spacing chunks
out or capping throughput, in order under jitter, on connections already open, and cleared at
once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from edu.chaos.proxy import LatencyProxy, Toxics

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Connect = Callable[[LatencyProxy], Awaitable[Stream]]
RoundTrip = Callable[..., Awaitable[float]]  # (stream, payload=b"ping")
Close = Callable[[Stream], None]


async def test_latency_each_way_doubles_into_the_round_trip_and_clearing_is_immediate(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    stream = await connect(proxy)
    await round_trip(stream)  # connected and warm

    proxy.toxics = Toxics(latency_ms=100)
    assert await round_trip(stream) >= 0.2

    proxy.clear_toxics()
    assert await round_trip(stream) < 0.1
    close(stream)


async def test_direction_upstream_delays_only_what_the_client_sends(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(latency_ms=100, direction="upstream")
    assert await round_trip(stream) >= 0.1
    assert proxy.stats.chunks_delayed == 1  # the ping, not its echo
    close(stream)


async def test_order_is_preserved_under_jitter(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    reader, writer = stream = await connect(proxy)
    await round_trip(stream)
    # Chunks a millisecond apart with 0..100 ms delays: without the per-direction queue
    # most of them would overtake each other.
    proxy.toxics = Toxics(latency_ms=50, jitter_ms=50)

    async def send() -> None:
        for number in range(200):
            writer.write(b"%05d\n" % number)
            await writer.drain()
            await asyncio.sleep(0.001)

    sending = asyncio.create_task(send())
    received = await asyncio.wait_for(reader.readexactly(200 * 6), 5)
    await sending

    assert [int(line) for line in received.split()] == list(range(200))
    assert proxy.stats.chunks_delayed >= 100, "the chunks were coalesced: nothing could reorder"
    close(stream)


async def test_latency_delays_each_chunk_without_spacing_them_out(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    """50 small writes 5 ms apart with 100 ms latency: each arrives about 100 ms after it
    was sent (sleeping in the reader would make later ones wait for earlier ones' delay)."""
    reader, writer = stream = await connect(proxy)
    await round_trip(stream)
    proxy.toxics = Toxics(latency_ms=100, direction="upstream")
    loop = asyncio.get_running_loop()
    sent: list[float] = []

    async def send() -> None:
        for number in range(50):
            sent.append(loop.time())
            writer.write(b"%03d\n" % number)
            await writer.drain()
            await asyncio.sleep(0.005)

    started = loop.time()
    sending = asyncio.create_task(send())
    delays = []
    for number in range(50):
        line = await asyncio.wait_for(reader.readexactly(4), 2)
        assert int(line) == number
        delays.append(loop.time() - sent[number])
    await sending

    assert loop.time() - started < 2.0
    assert min(delays) >= 0.1
    assert max(delays) < 0.17, f"chunks waited for earlier chunks' delay: {max(delays):.3f} s"
    close(stream)


async def test_bulk_transfer_is_not_capped_at_one_chunk_per_latency(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    reader, writer = stream = await connect(proxy)
    await round_trip(stream)
    proxy.toxics = Toxics(latency_ms=100)
    payload = bytes(range(256)) * 16384  # 4 MiB: 64+ reads of 64 KiB each way

    loop = asyncio.get_running_loop()
    started = loop.time()
    writer.write(payload)
    received = await asyncio.wait_for(reader.readexactly(len(payload)), 2)

    assert received == payload
    assert loop.time() - started < 1.0  # one chunk per 100 ms would take 6.4 s
    close(stream)


async def test_loss_holds_chunks_for_the_retransmission_timeout(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(loss=1.0, rto_ms=100)
    assert await round_trip(stream) >= 0.2  # one stall each way
    stats = proxy.stats
    assert (stats.chunks_lost, stats.chunks_delayed) == (2, 2)
    close(stream)


async def test_toxics_apply_to_a_connection_already_open(
    proxy: LatencyProxy, connect: Connect, round_trip: RoundTrip, close: Close
) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(latency_ms=60, jitter_ms=0, direction="downstream")
    assert await round_trip(stream) >= 0.06
    proxy.toxics = Toxics(latency_ms=100)
    assert await round_trip(stream) >= 0.2
    close(stream)
