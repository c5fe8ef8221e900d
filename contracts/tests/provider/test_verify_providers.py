"""Every committed pact verified against its provider, running for real (see conftest.py):
HTTP pacts replayed against the provider's port, message pacts checked against the bytes its
outbox relay published."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict
from uuid import uuid4

import pytest
from pact.types import Message

ADA = "a student ada@example.com with password 'correct horse battery'"


def nothing() -> None:
    """A state the verifier's own request establishes (the bearer token of the session user)."""


def as_message(contents: bytes, metadata: dict[str, Any]) -> Message:
    # pact-python 4 reads `contents` (not `body`) from a message producer.
    return Message(contents=contents, metadata=metadata, content_type="application/json")


class Producing(TypedDict):
    """The provider states and messages of one producer's events, shared by all its consumers."""

    states: dict[str, Callable[[], None]]
    messages: dict[str, Callable[[], Message]]


def identity_events(platform: Any) -> Producing:
    """user.registered after a fresh sign-up."""
    user: dict[str, str] = {}

    def student_signs_up() -> None:
        signed_up = platform.sign_up(f"{uuid4().hex}@example.com")
        assert signed_up is not None, "a fresh email signed up as someone else"
        user["id"] = signed_up.id

    def user_registered() -> Message:
        return as_message(*platform.last_event("events.user.registered", user["id"]))

    return {
        "states": {"a student has signed up": student_signs_up},
        "messages": {"a user.registered event": user_registered},
    }


def course_events(platform: Any) -> Producing:
    """course.published after a teacher published a course with one lesson."""
    course: dict[str, Any] = {}

    def teacher_publishes() -> None:
        course.update(platform.course(publish=True))

    def course_published() -> Message:
        return as_message(*platform.last_event("events.course.published", course["id"]))

    return {
        "states": {"a teacher has published a course with one lesson": teacher_publishes},
        "messages": {"a course.published event": course_published},
    }


def enrollment_events(platform: Any) -> Producing:
    """enrollment.created after an enrolment, certificate.issued after every lesson completed."""
    enrolled: dict[str, Any] = {}

    def student_enrols() -> None:
        enrolled["course"], enrolled["enrollment"] = platform.enrollment()

    def student_completes() -> None:
        student_enrols()
        platform.complete(enrolled["enrollment"]["id"], enrolled["course"]["lessons"][0]["id"])

    def event(subject: str) -> Callable[[], Message]:
        return lambda: as_message(*platform.last_event(subject, enrolled["enrollment"]["id"]))

    return {
        "states": {
            "a student has enrolled in a course": student_enrols,
            "a student has completed every lesson of a course": student_completes,
        },
        "messages": {
            "an enrollment.created event": event("events.enrollment.created"),
            "a certificate.issued event": event("events.certificate.issued"),
        },
    }


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
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("identity", "notifications", **identity_events(platform))

    @pytest.mark.pact_pair("notifications", "enrollment")
    def test_enrollment_publishes_what_notifications_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("enrollment", "notifications", **enrollment_events(platform))

    @pytest.mark.pact_pair("enrollment", "course")
    def test_course_publishes_what_enrollment_reads(self, platform: Any, verify_pact: Any) -> None:
        verify_pact("course", "enrollment", **course_events(platform))


class TestWhatCertificateGeneratorReads:
    """The three producers of the events certificate-generator renders from (ADR 0024)."""

    @pytest.mark.pact_pair("certificate-generator", "identity")
    def test_identity_publishes_what_certificate_generator_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("identity", "certificate-generator", **identity_events(platform))

    @pytest.mark.pact_pair("certificate-generator", "course")
    def test_course_publishes_what_certificate_generator_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("course", "certificate-generator", **course_events(platform))

    @pytest.mark.pact_pair("certificate-generator", "enrollment")
    def test_enrollment_publishes_what_certificate_generator_reads(
        self, platform: Any, verify_pact: Any
    ) -> None:
        verify_pact("enrollment", "certificate-generator", **enrollment_events(platform))
