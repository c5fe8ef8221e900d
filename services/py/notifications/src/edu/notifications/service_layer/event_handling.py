"""Turning events into notifications and queued emails, each event exactly once.

Everything one event causes (the processed-event record, read-model rows, the notification,
the queued email) is written in one transaction. The record is claimed first: a redelivered
or duplicated event finds it and changes nothing, and a crash before the commit leaves no
trace, so the redelivery does the work once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from edu.common.clock import Clock
from edu.events import DecodedEvent
from edu.notifications.domain import notifications
from edu.notifications.domain.emails import OutgoingEmail, Recipient
from edu.notifications.domain.notifications import Notification
from edu.notifications.service_layer.ports import (
    EmailRenderer,
    NotificationsUnitOfWork,
    UnitOfWorkFactory,
)
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished
from edu.proto_gen.events.v1.enrollment_events_pb2 import CertificateIssued, EnrollmentCreated
from edu.proto_gen.events.v1.identity_events_pb2 import UserRegistered

logger = logging.getLogger("edu.notifications.events")

SUBSCRIBED_EVENTS = (
    "user.registered",
    "course.published",
    "enrollment.created",
    "certificate.issued",
)
Handled = UserRegistered | CoursePublished | EnrollmentCreated | CertificateIssued
UNKNOWN_COURSE = "your course"


class Outcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


class EventHandling:
    def __init__(
        self, uow: UnitOfWorkFactory, renderer: EmailRenderer, clock: Clock, *, web_url: str
    ) -> None:
        self._uow = uow
        self._renderer = renderer
        self._clock = clock
        self._web_url = web_url.rstrip("/")

    async def handle(self, event: DecodedEvent) -> Outcome:
        """Apply ``event`` once; events of other kinds are ignored."""
        payload = event.payload
        if not isinstance(payload, Handled):
            return Outcome.IGNORED
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.processed_events.claim(event.id, event.type, now):
                logger.info("skipping %s %s: already processed", event.type, event.id)
                return Outcome.DUPLICATE
            await self._apply(uow, payload, now, event.id)
            await uow.commit()
        return Outcome.HANDLED

    async def _apply(
        self, uow: NotificationsUnitOfWork, payload: Handled, now: datetime, event_id: UUID
    ) -> None:
        match payload:
            case UserRegistered():
                recipient = Recipient(UUID(payload.user_id), payload.email)
                await uow.recipients.save(recipient)
                await uow.emails.address_parked(recipient.user_id, recipient.email)
                welcome = notifications.welcome(recipient.user_id, now, event_id)
                await self._notify(uow, welcome, {"email": recipient.email})
            case CoursePublished():
                await uow.courses.save(payload.course_id, payload.title)
            case EnrollmentCreated():
                title = await uow.courses.get(payload.course_id) or UNKNOWN_COURSE
                enrolled = notifications.enrollment_confirmed(
                    UUID(payload.student_id), title, now, event_id
                )
                course_url = f"{self._web_url}/courses/{payload.course_id}"
                await self._notify(uow, enrolled, {"course_title": title, "course_url": course_url})
            case CertificateIssued():
                title = await uow.courses.get(payload.course_id) or UNKNOWN_COURSE
                code = payload.verification_code
                issued = notifications.certificate_issued(
                    UUID(payload.student_id), title, code, now, event_id
                )
                await self._notify(uow, issued, {"course_title": title, "verification_code": code})

    async def _notify(
        self, uow: NotificationsUnitOfWork, notification: Notification, context: dict[str, str]
    ) -> None:
        await uow.notifications.add(notification)
        preferences = await uow.preferences.get(notification.user_id)
        if not preferences.wants_email(notification.kind):
            return
        recipient = await uow.recipients.get(notification.user_id)
        content = self._renderer.render(notification.kind, {"web_url": self._web_url, **context})
        await uow.emails.add(OutgoingEmail.for_notification(notification, recipient, content))
