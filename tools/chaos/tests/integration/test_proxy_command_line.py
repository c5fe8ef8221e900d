"""The mini toxiproxy's command line (python -m edu.chaos.proxy): it serves with the toxics it
was given until SIGTERM, then exits 0 without a traceback."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Protocol

from edu.chaos.proxy import ProxyControl

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
RoundTrip = Callable[..., Awaitable[float]]  # (stream, payload=b"ping")
ClosedByPeer = Callable[[asyncio.StreamReader], Awaitable[bool]]
Close = Callable[[Stream], None]


class Echo(Protocol):
    port: int  # of the echo server behind the proxy (conftest.py)


START = re.compile(
    rb"^proxy 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+) \(control 127\.0\.0\.1:(\d+)\)$"
)


async def test_the_command_line_serves_until_sigterm_and_exits_0(
    echo: Echo, round_trip: RoundTrip, closed_by_peer: ClosedByPeer, close: Close
) -> None:
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
