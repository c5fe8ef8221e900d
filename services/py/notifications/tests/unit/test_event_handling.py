"""Events become notifications and queued emails, each event once, preferences respected."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from edu.events import DecodedEvent, UnknownPayload
from edu.notifications.domain.notifications import NotificationKind
from edu.notifications.domain.preferences import Preferences
from edu.notifications.service_layer.event_handling import EventHandling, Outcome
from edu.notifications.testing import FakeDatabase, FakeEmailRenderer

MakeEvent = Callable[..., DecodedEvent]
STUDENT = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


def registered(make_event: MakeEvent, user_id: uuid.UUID = STUDENT) -> DecodedEvent:
    return make_event(
        "user.registered", user_id=str(user_id), email="ada@example.org", role="ROLE_STUDENT"
    )


def enrolled(make_event: MakeEvent, course_id: str = "c-1") -> DecodedEvent:
    return make_event(
        "enrollment.created", enrollment_id="e-1", student_id=str(STUDENT), course_id=course_id
    )


def certified(make_event: MakeEvent) -> DecodedEvent:
    return make_event(
        "certificate.issued",
        certificate_id="k-1",
        enrollment_id="e-1",
        student_id=str(STUDENT),
        course_id="c-1",
        verification_code="CODE-42",
    )


class TestWelcome:
    async def test_a_registration_queues_a_welcome_email_to_the_registered_address(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        assert await handling.handle(registered(make_event)) is Outcome.HANDLED

        (email,) = db.emails
        assert (email.kind, email.to_address, email.user_id) == (
            NotificationKind.WELCOME,
            "ada@example.org",
            STUDENT,
        )
        (notification,) = db.notifications.values()
        assert notification.kind is NotificationKind.WELCOME
        assert db.recipients[STUDENT].email == "ada@example.org"


class TestEachEventOnce:
    async def test_the_same_event_handled_twice_queues_one_email(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        event = registered(make_event)

        first = await handling.handle(event)
        second = await handling.handle(event)

        assert (first, second) == (Outcome.HANDLED, Outcome.DUPLICATE)
        assert len(db.emails) == 1
        assert len(db.notifications) == 1

    async def test_a_failure_half_way_leaves_nothing_so_the_redelivery_does_it_once(
        self,
        handling: EventHandling,
        make_event: MakeEvent,
        db: FakeDatabase,
        renderer: FakeEmailRenderer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        event = registered(make_event)
        real_render = renderer.render

        def crash(*args: Any) -> Any:
            raise RuntimeError("template engine fell over")

        monkeypatch.setattr(renderer, "render", crash)
        with pytest.raises(RuntimeError):
            await handling.handle(event)
        assert (db.processed, db.emails, db.notifications) == ({}, [], {})

        monkeypatch.setattr(renderer, "render", real_render)
        assert await handling.handle(event) is Outcome.HANDLED
        assert len(db.emails) == 1

    async def test_an_event_with_a_malformed_id_fails_and_leaves_nothing(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        poison = make_event(
            "enrollment.created", enrollment_id="e", student_id="not-a-uuid", course_id="c"
        )

        with pytest.raises(ValueError, match="badly formed"):
            await handling.handle(poison)

        assert (db.processed, db.commits) == ({}, 0)


class TestEnrollmentConfirmation:
    async def test_names_the_course_from_its_publication(
        self,
        handling: EventHandling,
        make_event: MakeEvent,
        db: FakeDatabase,
        renderer: FakeEmailRenderer,
    ) -> None:
        await handling.handle(registered(make_event))
        await handling.handle(
            make_event("course.published", course_id="c-1", teacher_id="t", title="Compilers")
        )

        await handling.handle(enrolled(make_event))

        kind, context = renderer.rendered[-1]
        assert kind is NotificationKind.ENROLLMENT_CONFIRMED
        assert context["course_title"] == "Compilers"
        assert context["course_url"] == "https://edu.example/courses/c-1"
        assert db.emails[-1].to_address == "ada@example.org"

    async def test_a_course_never_published_here_is_called_your_course(
        self, handling: EventHandling, make_event: MakeEvent, renderer: FakeEmailRenderer
    ) -> None:
        await handling.handle(enrolled(make_event, course_id="unknown"))
        assert renderer.rendered[-1][1]["course_title"] == "your course"

    async def test_switched_off_it_is_a_notification_without_an_email(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        await handling.handle(registered(make_event))
        db.preferences[STUDENT] = Preferences(STUDENT, enrollment_emails=False)

        await handling.handle(enrolled(make_event))

        assert [e.kind for e in db.emails] == [NotificationKind.WELCOME]
        kinds = sorted(n.kind for n in db.notifications.values())
        assert kinds == [NotificationKind.ENROLLMENT_CONFIRMED, NotificationKind.WELCOME]


class TestCertificateEmail:
    async def test_goes_out_even_when_optional_emails_are_off(
        self,
        handling: EventHandling,
        make_event: MakeEvent,
        db: FakeDatabase,
        renderer: FakeEmailRenderer,
    ) -> None:
        await handling.handle(registered(make_event))
        db.preferences[STUDENT] = Preferences(STUDENT, enrollment_emails=False)

        await handling.handle(certified(make_event))

        assert db.emails[-1].kind is NotificationKind.CERTIFICATE_ISSUED
        assert renderer.rendered[-1][1]["verification_code"] == "CODE-42"


class TestRecipientNotKnownYet:
    async def test_an_email_for_an_unknown_user_is_parked_until_they_register(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        await handling.handle(enrolled(make_event))
        assert [e.to_address for e in db.emails] == [None]

        await handling.handle(registered(make_event))

        assert [e.to_address for e in db.emails] == ["ada@example.org", "ada@example.org"]


class TestEventsNotForUs:
    async def test_an_event_we_do_not_subscribe_to_is_ignored_without_a_trace(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        event = make_event(
            "lesson.completed", enrollment_id="e", student_id="s", course_id="c", lesson_id="l"
        )

        assert await handling.handle(event) is Outcome.IGNORED
        assert (db.processed, db.commits) == ({}, 0)

    async def test_an_event_this_build_does_not_know_is_ignored_without_a_trace(
        self, handling: EventHandling, make_event: MakeEvent, db: FakeDatabase
    ) -> None:
        known = make_event("course.unpublished", course_id="c")
        newer = dataclasses.replace(
            known, type="quiz.submitted", payload=UnknownPayload("quiz.submitted")
        )

        assert await handling.handle(newer) is Outcome.IGNORED
        assert (db.processed, db.commits) == ({}, 0)
