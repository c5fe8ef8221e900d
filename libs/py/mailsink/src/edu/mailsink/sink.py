"""The SMTP server: aiosmtpd on the running event loop, storing into a :class:`MailStore`.

``stop()`` also cuts the connections that are open, as a crashed or restarted server would;
asyncio's ``Server.close()`` alone only stops listening (before Python 3.12), which would let a
client with a kept-alive connection keep delivering through an "outage".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from edu.mailsink.store import MailStore

logger = logging.getLogger("edu.mailsink")


class StoringHandler:
    """aiosmtpd handler: every accepted message goes into the store."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        data = envelope.original_content or b""
        mail = self.store.save(envelope.mail_from or "", list(envelope.rcpt_tos), data)
        logger.info(
            "mail sink: stored %s for %s: %s", mail.id, ", ".join(mail.rcpt_to), mail.subject
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server on ``host:port`` (port 0 picks a free one, kept across restarts).

    ``handler`` replaces the storing handler (tests use one that refuses some recipients);
    it may delegate to ``StoringHandler(sink.store)`` for what it accepts.
    """

    def __init__(
        self,
        store: MailStore,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        handler: object = None,
        smtputf8: bool = True,
    ) -> None:
        self.store = store
        self.host = host
        self.port = port
        self.handler = handler or StoringHandler(store)
        # SMTPUTF8 (RFC 6531): addresses such as josé@example.org are delivered, as a modern
        # server delivers them; ``smtputf8=False`` plays a server without it (tests).
        self.smtputf8 = smtputf8
        self._server: asyncio.Server | None = None
        self._sessions: set[SMTP] = set()

    @property
    def running(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        if self._server is not None:
            return
        loop = asyncio.get_running_loop()

        def new_session() -> SMTP:
            session = SMTP(
                self.handler, hostname="mailsink.local", loop=loop, enable_SMTPUTF8=self.smtputf8
            )
            self._sessions = {s for s in self._sessions if s.transport is not None}
            self._sessions.add(session)
            return session

        self._server = await loop.create_server(new_session, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for session in self._sessions:
            if session.transport is not None:
                session.transport.close()
        self._sessions.clear()
        await server.wait_closed()


@contextlib.asynccontextmanager
async def running_sink(
    folder: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    handler: object = None,
    smtputf8: bool = True,
) -> AsyncIterator[SmtpSink]:
    """A started sink storing into ``folder``, stopped on exit (tests' fixture in one line)."""
    sink = SmtpSink(MailStore(folder), host=host, port=port, handler=handler, smtputf8=smtputf8)
    await sink.start()
    try:
        yield sink
    finally:
        await sink.stop()
