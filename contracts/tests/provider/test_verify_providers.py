"""Every committed pact verified against its provider, running for real (see conftest.py):
HTTP pacts replayed against the provider's port, message pacts checked against the bytes its
outbox relay published (the producers' states and messages: conftest.py's ``identity_events``,
``course_events`` and ``enrollment_events``, shared with the Rust consumers' verifications)."""

from __future__ import annotations

from typing import Any

import pytest

ADA = "a student ada@example.com with password 'correct horse battery'"


def nothing() -> None:
    """A state the verifier's own request establishes (the bearer token of the session user)."""


class TestHttpProviders:
    @pytest.mark.pact_pair("web", "identity")
    def test_identity_honours_web(self, platform: Any, verify_pact: Any) -> None:
        verify_pact("identity", "web", states={ADA: lambda: platform.sign_up("ada@example.com")})

    @pytest.mark.pact_pair("web", "course")
    def test_course_honours_web(self, platform: Any, verify_pact: Any) -> None:
        states = {
            "a published course": lambda: platform.course(publish=True),
            "a signed-in teacher": nothing,
            # its ids fill the editor's paths (/courses/${course_id}/lessons/${lesson_id})
            "a signed-in teacher with a draft course": lambda: platform.course_ids(publish=False),
        }
        verify_pact("course", "web", states=states, token=platform.teacher_token)

    @pytest.mark.pact_pair("web", "notifications")
    def test_notifications_honours_web(self, platform: Any, verify_pact: Any) -> None:
        # No session token: each state's student is new (${token}), so what one interaction
        # marks read no other one lists.
        states = {
            "a signed-in student with an unread notification": (
                platform.student_with_unread_notification
            ),
            "a signed-in student": lambda: {"token": platform.student_token},
        }
        verify_pact("notifications", "web", states=states)

    @pytest.mark.pact_pair("web", "enrollment")
    def test_enrollment_honours_web(self, platform: Any, verify_pact: Any) -> None:
        states = {"a signed-in student enrolled in a published course": platform.enrollment}
        verify_pact("enrollment", "web", states=states, token=platform.student_token)

    @pytest.mark.pact_pair("web", "certificate-generator")
    def test_certificate_generator_honours_web(self, platform: Any, verify_pact: Any) -> None:
        # The worker renders from the event stream: the state waits until the PDF is there.
        states = {
            "a signed-in student whose certificate has been rendered": (
                platform.rendered_certificate
            ),
            "a signed-in student": lambda: {"token": platform.student_token},
        }
        verify_pact("certificate-generator", "web", states=states)

    @pytest.mark.pact_pair("web", "analytics-api")
    def test_analytics_api_honours_web(self, platform: Any, verify_pact: Any) -> None:
        # The teacher's course whose lesson the student opened, through the real path
        # (event-ingestion -> JetStream -> analytics-aggregator -> analytics-api). Made before
        # the verifier runs: the fold is asynchronous and the verifier gives a state 5 s.
        visited = platform.visited_course()
        states = {"a teacher's published course whose lesson a student opened": lambda: visited}
        verify_pact("analytics-api", "web", states=states, token=platform.teacher_token)


class TestMessageProviders:
    @pytest.mark.pact_pair("notifications", "identity")
    def test_identity_publishes_what_notifications_reads(
        self, verify_pact: Any, identity_events: Any
    ) -> None:
        verify_pact("identity", "notifications", **identity_events)

    @pytest.mark.pact_pair("notifications", "enrollment")
    def test_enrollment_publishes_what_notifications_reads(
        self, verify_pact: Any, enrollment_events: Any
    ) -> None:
        verify_pact("enrollment", "notifications", **enrollment_events)

    @pytest.mark.pact_pair("enrollment", "course")
    def test_course_publishes_what_enrollment_reads(
        self, verify_pact: Any, course_events: Any
    ) -> None:
        verify_pact("course", "enrollment", **course_events)


class TestWhatCertificateGeneratorReads:
    """The three producers of the events certificate-generator renders from (ADR 0024)."""

    @pytest.mark.pact_pair("certificate-generator", "identity")
    def test_identity_publishes_what_certificate_generator_reads(
        self, verify_pact: Any, identity_events: Any
    ) -> None:
        verify_pact("identity", "certificate-generator", **identity_events)

    @pytest.mark.pact_pair("certificate-generator", "course")
    def test_course_publishes_what_certificate_generator_reads(
        self, verify_pact: Any, course_events: Any
    ) -> None:
        verify_pact("course", "certificate-generator", **course_events)

    @pytest.mark.pact_pair("certificate-generator", "enrollment")
    def test_enrollment_publishes_what_certificate_generator_reads(
        self, verify_pact: Any, enrollment_events: Any
    ) -> None:
        verify_pact("enrollment", "certificate-generator", **enrollment_events)
