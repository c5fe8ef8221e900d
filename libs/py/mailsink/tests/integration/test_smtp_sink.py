"""The sink over real sockets: SMTP clients deliver to it, an outage cuts them off, and the
``python -m edu.mailsink`` process serves SMTP and the page on the ports it is given."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from edu.mailsink.sink import SmtpSink, running_sink
from edu.mailsink.store import MailStore


def mail(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "no-reply@eduplatform.local"
    message["To"] = "ada@example.org"
    message["Subject"] = subject
    message.set_content("hello")
    return message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def sink(tmp_path: Path) -> AsyncIterator[SmtpSink]:
    async with running_sink(tmp_path / "mail") as started:
        yield started


class TestReceiving:
    async def test_stores_what_an_smtp_client_sends(self, sink: SmtpSink) -> None:
        await aiosmtplib.send(mail("Welcome"), hostname=sink.host, port=sink.port)

        (received,) = sink.store.list()
        assert (received.subject, received.rcpt_to) == ("Welcome", ("ada@example.org",))


class TestOutage:
    async def test_stopping_cuts_open_connections_and_starting_again_reuses_the_port(
        self, sink: SmtpSink
    ) -> None:
        client = aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=2)
        await client.connect()
        await client.send_message(mail("Before"))
        port = sink.port

        await sink.stop()
        with pytest.raises(aiosmtplib.SMTPException):
            await client.send_message(mail("During"))
        with pytest.raises(aiosmtplib.SMTPConnectError):
            await aiosmtplib.send(mail("During"), hostname=sink.host, port=port, timeout=2)

        await sink.start()
        await aiosmtplib.send(mail("After"), hostname=sink.host, port=port)

        assert sink.port == port
        assert [m.subject for m in sink.store.list()] == ["Before", "After"]


class TestRunningAsAProcess:
    async def test_python_m_edu_mailsink_serves_smtp_and_the_page(self, tmp_path: Path) -> None:
        smtp_port, http_port = free_port(), free_port()
        folder = tmp_path / "mail"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "edu.mailsink",
            "--port",
            str(smtp_port),
            "--dir",
            str(folder),
            "--http-port",
            str(http_port),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}") as page:
                async with asyncio.timeout(10):
                    while True:
                        try:
                            if (await page.get("/api/messages")).status_code == 200:
                                break
                        except httpx.TransportError:
                            await asyncio.sleep(0.05)
                await aiosmtplib.send(mail("Hello"), hostname="127.0.0.1", port=smtp_port)
                listed = (await page.get("/api/messages")).json()
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=10)

        assert [m["subject"] for m in listed] == ["Hello"]
        assert [m.subject for m in MailStore(folder).list()] == ["Hello"]
        assert process.returncode == 0
