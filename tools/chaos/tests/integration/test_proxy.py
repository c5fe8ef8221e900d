"""The mini toxiproxy against a tiny echo server on 127.0.0.1: pass-through, latency both
ways, order under jitter, throughput under latency, loss stalls, resets, the control API and
the command line. Real sockets and real time: the integration layer's (the toxics' own rules
are unit tests, tests/unit/test_toxics.py)."""

from __future__ import annotations

import asyncio
import json
import random
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from edu.chaos.proxy import (
    LatencyProxy,
    ProxyControl,
    ProxyControlError,
    Toxics,
    running_proxy,
)
from edu.infra.probes import free_port

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


async def connect(proxy: LatencyProxy) -> Stream:
    return await asyncio.open_connection("127.0.0.1", proxy.listen_port)


async def round_trip(stream: Stream, payload: bytes = b"ping") -> float:
    """Seconds from sending ``payload`` to having all of its echo back."""
    reader, writer = stream
    loop = asyncio.get_running_loop()
    started = loop.time()
    writer.write(payload)
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(len(payload)), 3) == payload
    return loop.time() - started


async def closed_by_peer(reader: asyncio.StreamReader) -> bool:
    """True once the peer has closed (EOF) or reset the connection."""
    try:
        return await asyncio.wait_for(reader.read(1), 2) == b""
    except ConnectionError:
        return True


def close(stream: Stream) -> None:
    stream[1].close()


async def test_bytes_pass_through_both_ways_and_are_counted(
    proxy: LatencyProxy, echo: Echo
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


async def test_latency_each_way_doubles_into_the_round_trip_and_clearing_is_immediate(
    proxy: LatencyProxy,
) -> None:
    stream = await connect(proxy)
    await round_trip(stream)  # connected and warm

    proxy.toxics = Toxics(latency_ms=100)
    assert await round_trip(stream) >= 0.2

    proxy.clear_toxics()
    assert await round_trip(stream) < 0.1
    close(stream)


async def test_direction_upstream_delays_only_what_the_client_sends(proxy: LatencyProxy) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(latency_ms=100, direction="upstream")
    assert await round_trip(stream) >= 0.1
    assert proxy.stats.chunks_delayed == 1  # the ping, not its echo
    close(stream)


async def test_order_is_preserved_under_jitter(proxy: LatencyProxy) -> None:
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


async def test_latency_delays_each_chunk_without_spacing_them_out(proxy: LatencyProxy) -> None:
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


async def test_bulk_transfer_is_not_capped_at_one_chunk_per_latency(proxy: LatencyProxy) -> None:
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


async def test_loss_holds_chunks_for_the_retransmission_timeout(proxy: LatencyProxy) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(loss=1.0, rto_ms=100)
    assert await round_trip(stream) >= 0.2  # one stall each way
    stats = proxy.stats
    assert (stats.chunks_lost, stats.chunks_delayed) == (2, 2)
    close(stream)


async def test_reset_closes_new_connections_but_spares_open_ones(
    proxy: LatencyProxy, echo: Echo
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


async def test_toxics_apply_to_a_connection_already_open(proxy: LatencyProxy) -> None:
    stream = await connect(proxy)
    await round_trip(stream)

    proxy.toxics = Toxics(latency_ms=60, jitter_ms=0, direction="downstream")
    assert await round_trip(stream) >= 0.06
    proxy.toxics = Toxics(latency_ms=100)
    assert await round_trip(stream) >= 0.2
    close(stream)


async def test_an_unreachable_upstream_closes_the_client_and_is_counted() -> None:
    async with running_proxy(f"127.0.0.1:{free_port()}") as proxy:
        reader, writer = await connect(proxy)
        assert await closed_by_peer(reader)
        assert proxy.stats.upstream_unreachable == 1
        assert (proxy.stats.accepted, proxy.stats.open) == (1, 0)
        writer.close()


async def test_closing_the_proxy_drops_open_connections(echo: Echo) -> None:
    async with running_proxy(f"127.0.0.1:{echo.port}") as proxy:
        stream = await connect(proxy)
        await round_trip(stream)
    assert await closed_by_peer(stream[0])
    close(stream)


# -- the control API ------------------------------------------------------------------------


def control(proxy: LatencyProxy) -> ProxyControl:
    assert proxy.control_url is not None
    return ProxyControl(proxy.control_url)


async def test_the_client_sets_reads_and_clears_toxics(proxy: LatencyProxy, echo: Echo) -> None:
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


# -- the command line -----------------------------------------------------------------------

START = re.compile(
    rb"^proxy 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+) \(control 127\.0\.0\.1:(\d+)\)$"
)


async def test_the_command_line_serves_until_sigterm_and_exits_0(echo: Echo) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "edu.chaos.proxy",
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        f"127.0.0.1:{echo.port}",
        "--control",
        "127.0.0.1:0",
        "--latency-ms",
        "50",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 10)
        started = START.match(line.strip())
        assert started, line
        listen, upstream, control_port = (int(g) for g in started.groups())
        assert upstream == echo.port

        stream = await asyncio.open_connection("127.0.0.1", listen)
        assert await round_trip(stream) >= 0.1  # --latency-ms 50, both ways
        client = ProxyControl(f"http://127.0.0.1:{control_port}")
        await asyncio.to_thread(client.clear)
        assert await round_trip(stream) < 0.1

        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 5) == 0
        assert await closed_by_peer(stream[0])
        assert process.stderr is not None
        assert await process.stderr.read() == b""  # no tracebacks from the shutdown
        close(stream)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
