"""The three emails, rendered from the real templates."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from edu.notifications.adapters.templates import JinjaEmailRenderer
from edu.notifications.domain.notifications import NotificationKind

WEB = {"web_url": "https://edu.example"}


@pytest.fixture(scope="module")
def renderer() -> JinjaEmailRenderer:
    return JinjaEmailRenderer()


class TestRendering:
    def test_welcome_names_the_account_in_text_and_html(self, renderer: JinjaEmailRenderer) -> None:
        email = renderer.render(NotificationKind.WELCOME, {**WEB, "email": "ada@example.org"})

        assert email.subject == "Welcome to eduplatform"
        assert "ada@example.org" in email.text
        assert "<strong>ada@example.org</strong>" in email.html
        assert 'href="https://edu.example"' in email.html

    def test_enrollment_links_the_course_and_says_it_can_be_switched_off(
        self, renderer: JinjaEmailRenderer
    ) -> None:
        context = {
            **WEB,
            "course_title": "Compilers",
            "course_url": "https://edu.example/courses/c",
        }

        email = renderer.render(NotificationKind.ENROLLMENT_CONFIRMED, context)

        assert email.subject == "You are enrolled in Compilers"
        assert "https://edu.example/courses/c" in email.text
        assert "switch these enrolment emails off" in email.text
        assert "https://edu.example/preferences" in email.text  # a page web serves
        assert 'href="https://edu.example/preferences"' in email.html

    def test_certificate_carries_the_verification_code(self, renderer: JinjaEmailRenderer) -> None:
        context = {**WEB, "course_title": "Compilers", "verification_code": "AB12-CD34"}

        email = renderer.render(NotificationKind.CERTIFICATE_ISSUED, context)

        assert email.subject == "Your certificate for Compilers"
        assert "Verification code: AB12-CD34" in email.text
        assert "<code>AB12-CD34</code>" in email.html
        assert "https://edu.example/verify with this code" in email.text  # web's form for it
        assert 'href="https://edu.example/verify"' in email.html

    def test_certificate_offers_its_pdf_on_web(self, renderer: JinjaEmailRenderer) -> None:
        context = {**WEB, "course_title": "Compilers", "verification_code": "AB12-CD34"}

        email = renderer.render(NotificationKind.CERTIFICATE_ISSUED, context)

        # web's download (ADR 0024): it signs the student in first, then hands on the PDF
        assert "https://edu.example/certificates/AB12-CD34/pdf" in email.text
        assert 'href="https://edu.example/certificates/AB12-CD34/pdf"' in email.html

    def test_values_are_escaped_in_html_but_not_in_text(self, renderer: JinjaEmailRenderer) -> None:
        title = "<script>alert(1)</script> & more"
        context = {**WEB, "course_title": title, "verification_code": "X"}

        email = renderer.render(NotificationKind.CERTIFICATE_ISSUED, context)

        assert "<script>" not in email.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in email.html
        assert title in email.text

    def test_a_subject_is_always_one_line(self, renderer: JinjaEmailRenderer) -> None:
        context = {**WEB, "course_title": "Two\nlines", "verification_code": "X"}
        assert renderer.render(NotificationKind.CERTIFICATE_ISSUED, context).subject == (
            "Your certificate for Two lines"
        )

    def test_a_missing_value_is_an_error_not_a_gap(self, renderer: JinjaEmailRenderer) -> None:
        with pytest.raises(UndefinedError, match="course_title"):
            renderer.render(NotificationKind.CERTIFICATE_ISSUED, WEB)
