"""``python -m edu.mailsink --port 11025 --dir .edu/env/mail --http-port 11080``.

Runs until SIGINT or SIGTERM. ``--http-port 0`` leaves the web page out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from edu.mailsink.sink import SmtpSink
from edu.mailsink.store import MailStore
from edu.mailsink.web import mail_page

logger = logging.getLogger("edu.mailsink")


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m edu.mailsink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=11025, help="SMTP port (default 11025)")
    parser.add_argument("--dir", type=Path, default=Path(".edu/env/mail"), help="where mail goes")
    parser.add_argument("--http-port", type=int, default=11080, help="web page port; 0: none")
    return parser.parse_args(argv)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: SIGTERM must stop the SMTP side too, and
    uvicorn's handler would re-raise the signal after shutdown, killing the process mid-way."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(args: argparse.Namespace) -> None:
    store = MailStore(args.dir)
    sink = SmtpSink(store, host=args.host, port=args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await sink.start()
    logger.info("mail sink: SMTP on %s:%d, storing in %s", args.host, sink.port, args.dir)
    web: _Server | None = None
    serving: asyncio.Task[None] | None = None
    if args.http_port:
        config = uvicorn.Config(
            mail_page(store), host=args.host, port=args.http_port, log_level="warning"
        )
        web = _Server(config)
        serving = asyncio.create_task(web.serve())
        logger.info("mail sink: web page on http://%s:%d/", args.host, args.http_port)
    try:
        await stop.wait()
    finally:
        if web is not None and serving is not None:
            web.should_exit = True
            await serving
        await sink.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    asyncio.run(serve(arguments(argv)))


if __name__ == "__main__":
    main()
