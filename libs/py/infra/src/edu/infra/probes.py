"""Does a server answer? A few bytes of each protocol, no client library needed."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable
from urllib.parse import urlsplit

# PostgreSQL's SSLRequest: any live server answers with one byte, 'S' or 'N'.
_PG_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def _exchange(host: str, port: int, send: bytes, timeout: float) -> bytes:
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            if send:
                sock.sendall(send)
            return sock.recv(64)
    except OSError:
        return b""


def postgres_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    return _exchange(host, port, _PG_SSL_REQUEST, timeout)[:1] in (b"S", b"N")


def nats_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    # A NATS server speaks first: "INFO {...}".
    return _exchange(host, port, b"", timeout).startswith(b"INFO ")


def redis_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    reply = _exchange(host, port, b"PING\r\n", timeout)
    # "-NOAUTH ..." is an answer too: a live Redis that wants a password.
    return reply.startswith((b"+PONG", b"-"))


def smtp_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    # An SMTP server speaks first too: "220 <host> ESMTP ...". A bare TCP accept is not enough
    # (a port can be open while the server is not ready, or be something else altogether).
    return _exchange(host, port, b"", timeout).startswith(b"220")


def s3_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    # Any HTTP answer will do: an S3 server answers a bare request with XML (or an error).
    return _exchange(host, port, b"GET / HTTP/1.0\r\nHost: s3\r\n\r\n", timeout).startswith(
        b"HTTP/"
    )


def host_port(url: str) -> tuple[str, int]:
    """Host and port of a postgresql://, nats://, redis://, smtp:// or http(s):// URL."""
    if url.startswith("postgres"):
        from sqlalchemy.engine import make_url  # SQLAlchemy's URL rules; imported on use (slow)

        parsed = make_url(url)
        return parsed.host or "127.0.0.1", parsed.port or 5432
    split = urlsplit(url)
    default = {"nats": 4222, "tls": 4222, "smtp": 25, "http": 80, "https": 443}.get(
        split.scheme, 6379
    )
    return split.hostname or "127.0.0.1", split.port or default


def url_answers(component: str, url: str, timeout: float = 1.0) -> bool:
    check: dict[str, Callable[[str, int, float], bool]] = {
        "postgres": postgres_answers,
        "nats": nats_answers,
        "redis": redis_answers,
        "smtp": smtp_answers,
        "s3": s3_answers,
    }
    host, port = host_port(url)
    return check[component](host, port, timeout)


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(count: int) -> list[int]:
    """``count`` different free ports: each socket stays bound until all are picked."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_until(check: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    """Poll ``check`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def process_age() -> float:
    """Seconds since this process started (its interpreter's start-up and imports included)."""
    import psutil

    return max(0.0, time.time() - psutil.Process().create_time())
