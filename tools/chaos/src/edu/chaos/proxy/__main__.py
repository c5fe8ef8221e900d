"""``python -m edu.chaos.proxy``: run the proxy until SIGTERM or SIGINT (see the package
docstring for the start line it prints)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from edu.chaos.proxy.relay import running_proxy
from edu.chaos.proxy.sockets import split_address
from edu.chaos.proxy.toxics import DIRECTIONS, LOOPBACK, Toxics, ToxicsError


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
    host, port = split_address(text)
    if host not in (LOOPBACK, "localhost"):
        raise argparse.ArgumentTypeError(f"the proxy binds {LOOPBACK} only, got {text!r}")
    return port


def _upstream(text: str) -> str:
    try:
        split_address(text)
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
    parser.add_argument(
        "--reset", type=float, default=0.0, help="probability a new connection is reset"
    )
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
