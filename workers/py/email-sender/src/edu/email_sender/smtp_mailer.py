"""The Mailer over SMTP (aiosmtplib), keeping one connection open between emails.

Errors are sorted by whose fault they are: the server being unreachable, timing out, hanging
up, refusing our login or answering 421 is :class:`MailServerUnavailable` (the email waits,
unharmed, and so does every other); a 4xx/5xx answer to this email, or anything else that goes
wrong with this one email, is :class:`MessageRejected`: counted, retried with backoff and
finally abandoned, so one email can never hold up the queue behind it. An email the server
cannot take at all (a non-ASCII address to a server without SMTPUTF8) is rejected for good.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from edu.common.clock import Clock, SystemClock
from edu.email_queue import QueuedEmail
from edu.email_sender.sending import MailServerUnavailable, MessageRejected

SERVICE_NOT_AVAILABLE = 421


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        start_tls: bool = False,
        timeout: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._username, self._password = username, password
        self._start_tls, self._timeout = start_tls, timeout
        self._clock = clock or SystemClock()
        self._client: aiosmtplib.SMTP | None = None

    async def send(self, email: QueuedEmail) -> None:
        message = self.message(email)
        reused = self._client is not None and self._client.is_connected
        try:
            await self._deliver(message)
        except aiosmtplib.SMTPServerDisconnected:
            if not reused:
                raise MailServerUnavailable("the SMTP server hung up") from None
            # A kept connection the server has since closed (idle timeout, restart): one more
            # try on a fresh one before calling the server unavailable.
            await self._deliver(message)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.quit()
            except aiosmtplib.SMTPException:
                client.close()

    def message(self, email: QueuedEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to_address
        message["Subject"] = email.subject
        message["Message-ID"] = email.message_id
        message["Date"] = format_datetime(self._clock.now())
        message.set_content(email.text_body)
        message.add_alternative(email.html_body, subtype="html")
        return message

    async def _deliver(self, message: EmailMessage) -> None:
        try:
            client = await self._connected()
            await client.send_message(message)
        except aiosmtplib.SMTPServerDisconnected:
            self._drop()
            raise
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            raise MessageRejected(str(exc), permanent=all(c >= 500 for c in codes)) from None
        except (
            aiosmtplib.SMTPAuthenticationError,
            aiosmtplib.SMTPHeloError,
            aiosmtplib.SMTPConnectError,
        ) as exc:
            self._drop()
            raise MailServerUnavailable(f"the SMTP server will not talk to us: {exc}") from None
        except aiosmtplib.SMTPResponseException as exc:
            self._drop()
            if exc.code == SERVICE_NOT_AVAILABLE or exc.code < 400:
                raise MailServerUnavailable(f"{exc.code} {exc.message}") from None
            raise MessageRejected(f"{exc.code} {exc.message}", permanent=exc.code >= 500) from None
        except aiosmtplib.SMTPNotSupported as exc:
            # Raised before anything was sent (e.g. SMTPUTF8 needed, not offered): this email
            # cannot go through this server, whatever we retry; the others can.
            raise MessageRejected(
                f"the SMTP server cannot take this email: {exc}", permanent=True
            ) from None
        except (aiosmtplib.SMTPTimeoutError, OSError) as exc:  # refused, timed out, TLS, ...
            self._drop()
            raise MailServerUnavailable(f"{type(exc).__name__}: {exc}") from None
        except aiosmtplib.SMTPException as exc:  # anything else is about this one email
            self._drop()
            raise MessageRejected(f"{type(exc).__name__}: {exc}", permanent=False) from None

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        client = aiosmtplib.SMTP(
            hostname=self.host, port=self.port, timeout=self._timeout, start_tls=self._start_tls
        )
        await client.connect()
        if self._username:
            await client.login(self._username, self._password or "")
        self._client = client
        return client

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
