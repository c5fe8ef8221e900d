"""The sink's store and dev page, without a socket: files in tmp_path, the page over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from edu.mailsink.__main__ import arguments
from edu.mailsink.store import MailStore, UnknownMail
from edu.mailsink.web import mail_page


def message(
    subject: str,
    *,
    html: str | None = None,
    message_id: str = "<m@test>",
    to: str = "ada@example.org",
) -> bytes:
    mail = EmailMessage()
    mail["From"] = "eduplatform <no-reply@eduplatform.local>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    mail.set_content(f"Text of {subject}")
    if html is not None:
        mail.add_alternative(html, subtype="html")
    return mail.as_bytes()


@pytest.fixture
def store(tmp_path: Path) -> MailStore:
    return MailStore(tmp_path / "mail")


@pytest.fixture
async def page(store: MailStore) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=mail_page(store))
    async with httpx.AsyncClient(transport=transport, base_url="http://sink.test") as client:
        yield client


class TestStoringMail:
    def test_an_empty_folder_lists_nothing(self, store: MailStore) -> None:
        assert store.list() == []

    def test_keeps_each_message_with_its_envelope_and_headers_in_arrival_order(
        self, store: MailStore
    ) -> None:
        at = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
        welcome = message("Welcome", message_id="<welcome@test>")
        first = store.save("a@x.org", ["ada@example.org"], welcome, at=at)
        store.save("a@x.org", ["bob@example.org", "cy@example.org"], message("Certificate"))

        listed = store.list()

        assert [m.subject for m in listed] == ["Welcome", "Certificate"]
        assert listed[0] == first
        assert (first.received_at, first.mail_from, first.message_id) == (
            at,
            "a@x.org",
            "<welcome@test>",
        )
        assert listed[1].rcpt_to == ("bob@example.org", "cy@example.org")

    def test_reads_back_the_exact_bytes_and_the_text_body(self, store: MailStore) -> None:
        data = message("Welcome", html="<p>Hi</p>")
        mail = store.save("a@x.org", ["ada@example.org"], data)

        assert store.raw(mail.id) == data
        assert store.text_of(mail.id).strip() == "Text of Welcome"
        assert (store.folder / f"{mail.id}.eml").is_file()

    def test_keeps_a_message_whose_headers_are_malformed(self, store: MailStore) -> None:
        data = b"Subject: =?bogus?Q?Hi?=\r\nMessage-ID: <<bad@@>\r\n\r\nbody\r\n"

        mail = store.save("a@x.org", ["ada@example.org"], data)

        assert (mail.subject, mail.message_id) == ("=?bogus?Q?Hi?=", "<<bad@@>")
        assert store.raw(mail.id) == data

    def test_decodes_an_encoded_subject(self, store: MailStore) -> None:
        mail = store.save("a@x.org", ["ada@example.org"], message("Félicitations ✓"))
        assert mail.subject == "Félicitations ✓"

    @pytest.mark.parametrize(
        "subject",
        [
            "You are enrolled in Introduction to Distributed Systems, Consensus and Their Failures",
            "Vous êtes inscrit à « Systèmes distribués : le consensus et ses échecs » — félicitations",
        ],
    )
    def test_unfolds_a_long_subject_the_sender_folded(self, store: MailStore, subject: str) -> None:
        data = message(subject)
        assert b"\n " in data.split(b"\n\n")[0]  # the sender did fold it (RFC 5322 2.2.3)

        mail = store.save("a@x.org", ["ada@example.org"], data)

        assert mail.subject == subject
        assert store.list()[0].subject == subject

    def test_lists_a_subject_stored_folded_before_unfolding_existed(self, store: MailStore) -> None:
        store.save("a@x.org", ["ada@example.org"], message("Welcome"))
        index = store.folder / "index.jsonl"
        index.write_text(index.read_text().replace("Welcome", "\\r\\n You are\\r\\n\\tenrolled"))

        assert store.list()[0].subject == "You are\tenrolled"

    @pytest.mark.parametrize("mail_id", ["nope", "../index", ""])
    def test_an_unknown_or_unsafe_id_is_unknown(self, store: MailStore, mail_id: str) -> None:
        store.save("a@x.org", ["ada@example.org"], message("Welcome"))
        with pytest.raises(UnknownMail):
            store.raw(mail_id)


class TestThePage:
    async def test_lists_mail_newest_first_with_subjects_escaped(
        self, store: MailStore, page: httpx.AsyncClient
    ) -> None:
        store.save("a@x.org", ["ada@example.org"], message("Older"))
        store.save("a@x.org", ["ada@example.org"], message("<script>x</script>"))

        html = (await page.get("/")).text

        assert "Received mail (2)" in html
        assert "&lt;script&gt;" in html
        assert "<script>" not in html
        assert html.index("&lt;script&gt;") < html.index("Older")

    async def test_serves_the_list_as_json_and_each_message_as_text_and_eml(
        self, store: MailStore, page: httpx.AsyncClient
    ) -> None:
        mail = store.save("a@x.org", ["ada@example.org"], message("Welcome"))

        listed = (await page.get("/api/messages")).json()
        text = await page.get(f"/messages/{mail.id}")
        raw = await page.get(f"/messages/{mail.id}.eml")

        assert [m["subject"] for m in listed] == ["Welcome"]
        assert text.text.strip() == "Text of Welcome"
        assert raw.headers["content-type"] == "message/rfc822"
        assert raw.content == store.raw(mail.id)

    async def test_an_unknown_message_is_404(self, page: httpx.AsyncClient) -> None:
        assert (await page.get("/messages/abc123")).status_code == 404


class TestCommandLine:
    def test_defaults_are_the_dev_ports_and_folder(self) -> None:
        args = arguments([])
        assert (args.host, args.port, args.http_port) == ("127.0.0.1", 11025, 11080)
        assert args.dir == Path(".edu/env/mail")

    def test_ports_and_folder_can_be_chosen(self) -> None:
        args = arguments(["--port", "2525", "--dir", "/tmp/m", "--http-port", "0"])
        assert (args.port, args.dir, args.http_port) == (2525, Path("/tmp/m"), 0)
