"""The proxy itself: one listening socket, one upstream connection per client, bytes pumped
both ways through a delay queue per direction (the fault model: toxics.py; its control API:
control_api.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, replace
from typing import Any, Final

from edu.chaos.proxy import control_api
from edu.chaos.proxy.sockets import reset_connection, split_address
from edu.chaos.proxy.toxics import LOOPBACK, ProxyStats, Toxics, Way

_log = logging.getLogger("edu.chaos.proxy")

# One read's worth; also StreamReader's default buffer limit.
_CHUNK: Final = 64 * 1024
# Chunks in flight per direction before the reader stops reading: the proxy's "window".
# At 100 ms latency that still allows hundreds of MB/s, and it bounds memory.
_QUEUE_CHUNKS: Final = 1024
_CONNECT_TIMEOUT: Final = 10.0


class LatencyProxy:
    """The proxy: one listening socket, one upstream connection per client, a control API.

    ``listen_port`` / ``control_port`` 0 pick free ports (read the real ones back after
    :meth:`start`); ``control_port=None`` runs without a control API (in-process use sets
    :attr:`toxics` directly). ``rng`` makes jitter, loss and reset reproducible.
    """

    def __init__(
        self,
        upstream: str,
        *,
        listen_port: int = 0,
        control_port: int | None = 0,
        toxics: Toxics | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._upstream = split_address(upstream)
        self._listen_port = listen_port
        self._control_port = control_port
        self._toxics = toxics or Toxics()
        self._rng = rng or random.Random()  # noqa: S311 - fault injection, not security
        self._stats = ProxyStats()
        self._server: asyncio.Server | None = None
        self._control: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    # -- state ---------------------------------------------------------------------------

    @property
    def toxics(self) -> Toxics:
        return self._toxics

    @toxics.setter
    def toxics(self, toxics: Toxics) -> None:
        self._toxics = toxics

    def clear_toxics(self) -> Toxics:
        self._toxics = Toxics()
        return self._toxics

    @property
    def stats(self) -> ProxyStats:
        """A snapshot of the counters."""
        return replace(self._stats)

    @property
    def listen_port(self) -> int:
        return self._listen_port

    @property
    def control_port(self) -> int | None:
        return self._control_port

    @property
    def listen(self) -> str:
        return f"{LOOPBACK}:{self._listen_port}"

    @property
    def upstream(self) -> str:
        host, port = self._upstream
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @property
    def control_url(self) -> str | None:
        return None if self._control_port is None else f"http://{LOOPBACK}:{self._control_port}"

    def state(self) -> dict[str, Any]:
        """What ``GET /`` answers."""
        return {
            "listen": self.listen,
            "upstream": self.upstream,
            "toxics": self._toxics.to_json(),
            "stats": asdict(self._stats),
        }

    def banner(self) -> str:
        """The start line a launcher waits for."""
        control = f"{LOOPBACK}:{self._control_port}" if self._control_port is not None else "none"
        return f"proxy {self.listen} -> {self.upstream} (control {control})"

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, LOOPBACK, self._listen_port)
        self._listen_port = int(self._server.sockets[0].getsockname()[1])
        if self._control_port is not None:
            try:
                self._control = await asyncio.start_server(
                    self._control_request, LOOPBACK, self._control_port
                )
            except OSError:
                await self.close()
                raise
            self._control_port = int(self._control.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop accepting, then drop every open connection (client and upstream side)."""
        self._closing = True
        servers = [s for s in (self._server, self._control) if s is not None]
        for server in servers:
            server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in servers:
            await server.wait_closed()

    async def __aenter__(self) -> LatencyProxy:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        except asyncio.CancelledError:
            # close() cancels the handler tasks; ending them cancelled would make asyncio's
            # stream machinery log each one as an error.
            if not self._closing:
                raise
        finally:
            if task is not None:
                self._tasks.discard(task)

    # -- the proxy -----------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._tracked():
            if self._closing:
                reset_connection(writer)
                return
            self._stats.accepted += 1
            reset = self._toxics.reset
            if reset > 0 and self._rng.random() < reset:
                self._stats.reset_by_toxic += 1
                reset_connection(writer)
                return
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(*self._upstream), _CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError):
                self._stats.upstream_unreachable += 1
                reset_connection(writer)
                return
            self._stats.open += 1
            try:
                await self._pump(reader, writer, up_reader, up_writer)
            finally:
                self._stats.open -= 1

    async def _pump(
        self,
        client_reader: asyncio.StreamReader,
        client_writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
    ) -> None:
        clean = False
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._direction("upstream", client_reader, up_writer))
                group.create_task(self._direction("downstream", up_reader, client_writer))
            clean = True
        except* OSError:
            pass  # one side reset or vanished: the other side gets a reset below
        except* Exception:
            _log.exception("proxy connection %s -> %s failed", self.listen, self.upstream)
        finally:
            for writer in (client_writer, up_writer):
                if clean:
                    writer.close()
                else:
                    reset_connection(writer)

    async def _direction(
        self, way: Way, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # A queue and a writer task per direction, rather than sleeping in the reader, so
        # chunks are pipelined: a latency delays each chunk, it does not space them out.
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(maxsize=_QUEUE_CHUNKS)
        async with asyncio.TaskGroup() as group:
            group.create_task(self._read_side(way, reader, queue))
            group.create_task(self._write_side(way, queue, writer))

    async def _read_side(
        self, way: Way, reader: asyncio.StreamReader, queue: asyncio.Queue[tuple[float, bytes]]
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            chunk = await reader.read(_CHUNK)
            # The EOF (b"") is queued too, so the FIN follows the data it came after.
            await queue.put((loop.time() + self._delay(way, chunk), chunk))
            if not chunk:
                return

    def _delay(self, way: Way, chunk: bytes) -> float:
        """Seconds ``chunk`` is held back, decided when it is read (by the toxics then)."""
        toxics = self._toxics
        if not toxics.affects(way):
            return 0.0
        delay_ms = toxics.latency_ms
        if toxics.jitter_ms:
            delay_ms = max(0.0, delay_ms + self._rng.uniform(-toxics.jitter_ms, toxics.jitter_ms))
        if chunk and toxics.loss and self._rng.random() < toxics.loss:
            delay_ms += toxics.rto_ms
            self._stats.chunks_lost += 1
        if chunk and delay_ms > 0:
            self._stats.chunks_delayed += 1
        return delay_ms / 1000

    async def _write_side(
        self, way: Way, queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            deliver_at, chunk = await queue.get()
            wait = deliver_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not chunk:
                # Half-close: the other side may still be answering.
                if writer.can_write_eof():
                    writer.write_eof()
                return
            if way == "upstream":
                self._stats.bytes_upstream += len(chunk)
            else:
                self._stats.bytes_downstream += len(chunk)
            writer.write(chunk)
            await writer.drain()

    # -- the control API -----------------------------------------------------------------

    async def _control_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with self._tracked():
            await control_api.answer(self, reader, writer)


@contextlib.asynccontextmanager
async def running_proxy(
    upstream: str,
    *,
    listen_port: int = 0,
    control_port: int | None = 0,
    toxics: Toxics | None = None,
    rng: random.Random | None = None,
) -> AsyncIterator[LatencyProxy]:
    """A started :class:`LatencyProxy` for the block, closed (connections dropped) after."""
    proxy = LatencyProxy(
        upstream, listen_port=listen_port, control_port=control_port, toxics=toxics, rng=rng
    )
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
