"""A mini toxiproxy: a TCP proxy between one service and its PostgreSQL (or NATS) that adds
latency, retransmission stalls and connection resets on demand.

This machine's kernel has no ``sch_netem`` and there is no toxiproxy binary, so the chaos
experiments put this proxy between ONE service and its upstream instead: the service is
pointed at ``127.0.0.1:<listen>``, the proxy opens one upstream connection per accepted
connection and pumps bytes both ways. A small HTTP/JSON control API changes the faults
("toxics") at any time; a change applies to connections already open as well as new ones.

The fault model:

* ``latency_ms`` ± ``jitter_ms``: every chunk read from one side is delivered to the other
  side that long after it was read (jitter is uniform in ``[-jitter, +jitter]``, a negative
  total counts as 0). Each direction is a FIFO of ``(deliver_at, bytes)`` drained by a writer
  task, so chunks are pipelined (latency does not cap throughput at one chunk per latency)
  and order is preserved: a chunk due earlier than the one before it waits for it, which is
  TCP's head-of-line blocking.
* ``direction`` picks which way the faults apply: ``"upstream"`` (service -> database),
  ``"downstream"`` (database -> service) or ``"both"`` (the default). With ``"both"`` a
  request/response round trip gains TWICE the latency: 150 ms each way is a 300 ms round trip.
* ``loss`` (a probability): TCP cannot lose bytes end to end; a lost segment shows up as a
  retransmission stall. So with probability ``loss`` a chunk is additionally held back for
  ``rto_ms`` (default 200 ms, Linux's minimum retransmission timeout), order still
  preserved, so everything behind it stalls too.
* ``reset`` (a probability): a NEW connection is accepted and then closed at once with an
  RST (SO_LINGER 0), before any upstream connection is opened: a flaky network. It never
  touches connections already open.

Clearing the toxics returns to a plain pass-through at once; chunks already queued still go
out in order at the time they were scheduled for.

Control API (plain HTTP/1.1 on 127.0.0.1, JSON bodies, ``Connection: close``):

* ``GET /`` -> ``{"listen", "upstream", "toxics", "stats"}``
* ``GET /toxics`` -> the current toxics
* ``PUT /toxics`` -> replaces the toxics (keys left out take their defaults), answers them
* ``PATCH /toxics`` -> changes only the keys given, answers the toxics
* ``DELETE /toxics`` -> clears the toxics, answers them
* invalid toxics -> 400 ``application/problem+json``; anything else -> 404

Command line (prints one start line, runs until SIGTERM/SIGINT, port 0 picks a free port
and the start line shows the real one)::

    python -m edu.chaos.proxy --listen 127.0.0.1:P --upstream 127.0.0.1:U --control 127.0.0.1:C
    proxy 127.0.0.1:P -> 127.0.0.1:U (control 127.0.0.1:C)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import random
import signal
import socket
import struct
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, fields, replace
from http import HTTPStatus
from typing import Any, Final, Literal, cast

import httpx

__all__ = [
    "DIRECTIONS",
    "Direction",
    "LatencyProxy",
    "ProxyControl",
    "ProxyControlError",
    "ProxyStats",
    "Toxics",
    "ToxicsError",
    "main",
    "running_proxy",
    "serve",
]

_log = logging.getLogger(__name__)

LOOPBACK: Final = "127.0.0.1"
Direction = Literal["upstream", "downstream", "both"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("upstream", "downstream", "both")
_Way = Literal["upstream", "downstream"]

# One read's worth; also StreamReader's default buffer limit.
_CHUNK: Final = 64 * 1024
# Chunks in flight per direction before the reader stops reading: the proxy's "window".
# At 100 ms latency that still allows hundreds of MB/s, and it bounds memory.
_QUEUE_CHUNKS: Final = 1024
_CONNECT_TIMEOUT: Final = 10.0
_CONTROL_TIMEOUT: Final = 5.0
_MAX_BODY: Final = 64 * 1024
_MAX_HEADERS: Final = 100


class ToxicsError(ValueError):
    """Toxics a person asked for that make no sense; the message says why."""


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ToxicsError(f"{key} must be a number, got {json.dumps(value)}")
    return float(value)


@dataclass(frozen=True)
class Toxics:
    """The faults in force. All zero (the default) is a plain pass-through."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0
    rto_ms: float = 200.0
    reset: float = 0.0
    direction: Direction = "both"

    def __post_init__(self) -> None:
        for key in ("latency_ms", "jitter_ms", "rto_ms", "loss", "reset"):
            value = _number(key, getattr(self, key))
            if not math.isfinite(value):
                raise ToxicsError(f"{key} must be a finite number, got {value}")
            if key.endswith("_ms") and value < 0:
                raise ToxicsError(f"{key} is a duration in milliseconds and cannot be negative, got {value:g}")  # fmt: skip
            if not key.endswith("_ms") and not 0 <= value <= 1:
                raise ToxicsError(f"{key} is a probability between 0 and 1, got {value:g}")
        if self.direction not in DIRECTIONS:
            raise ToxicsError(
                f"direction must be one of {', '.join(DIRECTIONS)}, got {json.dumps(self.direction)}"
            )

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.jitter_ms or self.loss or self.reset)

    def affects(self, way: _Way) -> bool:
        """Whether latency, jitter and loss apply to bytes going ``way``."""
        return self.direction in ("both", way)

    def to_json(self) -> dict[str, float | str]:
        return asdict(self)

    @classmethod
    def from_json(cls, body: object, *, base: Toxics | None = None) -> Toxics:
        """Toxics from a JSON object; keys left out keep ``base``'s values (default: defaults)."""
        if not isinstance(body, dict):
            raise ToxicsError(
                f'the body must be a JSON object such as {{"latency_ms": 150}}, got {json.dumps(body)}'
            )
        known = [f.name for f in fields(cls)]
        unknown = sorted(str(key) for key in body if key not in known)
        if unknown:
            raise ToxicsError(f"unknown toxic {', '.join(unknown)}; known: {', '.join(known)}")
        values: dict[str, Any] = {}
        for key, value in body.items():
            values[key] = value if key == "direction" else _number(key, value)
        return replace(base or cls(), **values)


@dataclass
class ProxyStats:
    """Counters since the proxy started. ``open`` is connections with an upstream right now."""

    accepted: int = 0
    open: int = 0
    reset_by_toxic: int = 0
    upstream_unreachable: int = 0
    bytes_upstream: int = 0
    bytes_downstream: int = 0
    chunks_delayed: int = 0
    chunks_lost: int = 0


def _split_address(text: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or a bare ``port`` (meaning 127.0.0.1)."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = LOOPBACK, text
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, got {text!r}")
    return host, int(port)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with an RST rather than a FIN, as a broken network would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class _BadRequest(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _problem(status: int, title: str, detail: str) -> tuple[int, dict[str, Any], str]:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return status, body, "application/problem+json"


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
        self._upstream = _split_address(upstream)
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
                _reset(writer)
                return
            self._stats.accepted += 1
            reset = self._toxics.reset
            if reset > 0 and self._rng.random() < reset:
                self._stats.reset_by_toxic += 1
                _reset(writer)
                return
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(*self._upstream), _CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError):
                self._stats.upstream_unreachable += 1
                _reset(writer)
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
                    _reset(writer)

    async def _direction(
        self, way: _Way, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # A queue and a writer task per direction, rather than sleeping in the reader, so
        # chunks are pipelined: a latency delays each chunk, it does not space them out.
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue(maxsize=_QUEUE_CHUNKS)
        async with asyncio.TaskGroup() as group:
            group.create_task(self._read_side(way, reader, queue))
            group.create_task(self._write_side(way, queue, writer))

    async def _read_side(
        self, way: _Way, reader: asyncio.StreamReader, queue: asyncio.Queue[tuple[float, bytes]]
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            chunk = await reader.read(_CHUNK)
            # The EOF (b"") is queued too, so the FIN follows the data it came after.
            await queue.put((loop.time() + self._delay(way, chunk), chunk))
            if not chunk:
                return

    def _delay(self, way: _Way, chunk: bytes) -> float:
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
        self, way: _Way, queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter
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
            try:
                method, path, body = await asyncio.wait_for(
                    self._read_request(reader), _CONTROL_TIMEOUT
                )
                status, payload, content_type = self._route(method, path, body)
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

    async def _read_request(self, reader: asyncio.StreamReader) -> tuple[str, str, bytes]:
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

    def _route(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any], str]:
        if path == "/" and method == "GET":
            return 200, self.state(), "application/json"
        if path == "/toxics":
            if method == "GET":
                return 200, self._toxics.to_json(), "application/json"
            if method == "DELETE":
                return 200, self.clear_toxics().to_json(), "application/json"
            if method in ("PUT", "PATCH"):
                try:
                    parsed: object = json.loads(body)
                except ValueError as exc:  # UnicodeDecodeError included
                    return _problem(400, "Bad toxics", f"the body is not valid JSON: {exc}")
                base = self._toxics if method == "PATCH" else None
                try:
                    self._toxics = Toxics.from_json(parsed, base=base)
                except ToxicsError as exc:
                    return _problem(400, "Bad toxics", str(exc))
                return 200, self._toxics.to_json(), "application/json"
        return _problem(
            404,
            "Not found",
            f"no {method} {path}; the control API has GET /, and GET, PUT, PATCH, DELETE /toxics",
        )


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


# -- client ---------------------------------------------------------------------------------


class ProxyControlError(RuntimeError):
    """The control API said no (``status`` and the problem's ``detail``) or did not answer
    (``status`` None)."""

    def __init__(self, status: int | None, detail: str) -> None:
        super().__init__(f"proxy control: {status or 'no answer'}: {detail}")
        self.status = status
        self.detail = detail


class ProxyControl:
    """A synchronous client for the control API at ``control_url`` (``http://127.0.0.1:C``)."""

    def __init__(self, control_url: str, *, timeout: float = 3.0) -> None:
        self.control_url = control_url.rstrip("/")
        self.timeout = timeout

    def state(self) -> dict[str, Any]:
        """``{"listen", "upstream", "toxics", "stats"}``."""
        return self._call("GET", "/")

    def toxics(self, **values: float | str) -> dict[str, Any]:
        """Replace the toxics with ``values`` (others back to defaults); answer the new ones.

        ``direction="both"`` (the default) applies the latency each way: ``latency_ms=150``
        makes a round trip 300 ms longer.
        """
        return self._call("PUT", "/toxics", values)

    def update(self, **values: float | str) -> dict[str, Any]:
        """Change only the toxics in ``values``; answer the new ones."""
        return self._call("PATCH", "/toxics", values)

    def clear(self) -> dict[str, Any]:
        """Back to a plain pass-through; answer the (default) toxics."""
        return self._call("DELETE", "/toxics")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self.control_url + path
        try:
            # trust_env off: a proxy from the environment must not sit in front of 127.0.0.1.
            with httpx.Client(timeout=self.timeout, trust_env=False) as client:
                response = client.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise ProxyControlError(None, f"{method} {url}: {exc!r}") from exc
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code != 200:
            detail = payload.get("detail") if isinstance(payload, dict) else None
            raise ProxyControlError(response.status_code, str(detail or response.text))
        if not isinstance(payload, dict):
            raise ProxyControlError(200, f"{method} {url} answered no JSON object: {response.text}")
        return cast(dict[str, Any], payload)


# -- command line ---------------------------------------------------------------------------


async def _serve(listen_port: int, upstream: str, control_port: int, toxics: Toxics) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_proxy(
        upstream, listen_port=listen_port, control_port=control_port, toxics=toxics
    ) as proxy:
        print(proxy.banner(), flush=True)
        await stop.wait()


def serve(
    listen_port: int, upstream: str, control_port: int, *, toxics: Toxics | None = None
) -> None:
    """Run the proxy until SIGTERM or SIGINT, then stop accepting and close every connection."""
    asyncio.run(_serve(listen_port, upstream, control_port, toxics or Toxics()))


def _loopback_port(text: str) -> int:
    host, port = _split_address(text)
    if host not in (LOOPBACK, "localhost"):
        raise argparse.ArgumentTypeError(f"the proxy binds {LOOPBACK} only, got {text!r}")
    return port


def _upstream(text: str) -> str:
    try:
        _split_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m edu.chaos.proxy",
        description="A fault-injecting TCP proxy (latency, retransmission stalls, resets).",
    )
    parser.add_argument("--listen", type=_loopback_port, required=True, metavar="127.0.0.1:P")
    parser.add_argument("--upstream", type=_upstream, required=True, metavar="HOST:PORT")
    parser.add_argument("--control", type=_loopback_port, required=True, metavar="127.0.0.1:C")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="each way, see --direction")
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--loss", type=float, default=0.0, help="probability of an RTO stall")
    parser.add_argument("--rto-ms", type=float, default=200.0)
    parser.add_argument("--reset", type=float, default=0.0, help="probability a new connection is reset")  # fmt: skip
    parser.add_argument("--direction", choices=DIRECTIONS, default="both")
    args = parser.parse_args(argv)
    try:
        toxics = Toxics(
            latency_ms=args.latency_ms,
            jitter_ms=args.jitter_ms,
            loss=args.loss,
            rto_ms=args.rto_ms,
            reset=args.reset,
            direction=args.direction,
        )
    except ToxicsError as exc:
        parser.error(str(exc))
    try:
        serve(args.listen, args.upstream, args.control, toxics=toxics)
    except OSError as exc:
        print(f"proxy: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
