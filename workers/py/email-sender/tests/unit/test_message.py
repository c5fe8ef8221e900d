"""The MIME message the SMTP mailer builds from a queued email (no connection needed)."""

from __future__ import annotations

import uuid

from edu.common.clock import FakeClock
from edu.email_queue import QueuedEmail
from edu.email_sender.smtp_mailer import SmtpMailer


class TestMessage:
    def test_has_text_and_html_parts_and_a_message_id_fixed_by_the_row(self) -> None:
        email = QueuedEmail(
            id=uuid.UUID("00000000-0000-4000-8000-000000000007"),
            kind="welcome",
            to_address="ada@example.org",
            subject="Welcome to eduplatform",
            text_body="Hello",
            html_body="<p>Hello</p>",
        )
        mailer = SmtpMailer("127.0.0.1", 1, sender="edu <no-reply@edu.test>", clock=FakeClock())

        message = mailer.message(email)

        assert message["To"] == "ada@example.org"
        assert message["From"] == "edu <no-reply@edu.test>"
        assert message["Message-ID"] == "<00000000-0000-4000-8000-000000000007@eduplatform.local>"
        assert message["Date"] == "Thu, 01 Jan 2026 12:00:00 +0000"
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None
        assert text.get_content().strip() == "Hello"
        assert html is not None
        assert html.get_content().strip() == "<p>Hello</p>"
