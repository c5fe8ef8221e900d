"""Addresses and connections as the proxy handles them."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct

from edu.chaos.proxy.toxics import LOOPBACK


def split_address(text: str) -> tuple[str, int]:
    """``host:port``, ``[v6]:port`` or a bare ``port`` (meaning 127.0.0.1)."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = LOOPBACK, text
    host = host.strip("[]")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected host:port, got {text!r}")
    return host, int(port)


def reset_connection(writer: asyncio.StreamWriter) -> None:
    """Close with an RST rather than a FIN, as a broken network would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
