"""The names and titles a certificate needs, kept from the events that carry them.

certificate.issued carries ids only. Identity has no API to look a person up by id and no
personal names (ADR 0005); course's events carry a course's title and teacher. Like
notifications and analytics-aggregator, the worker keeps what those events say (ADR 0024).
All of them are idempotent without a processed-event record: a person is written once, and a
course's newest version wins.
"""

from __future__ import annotations

from uuid import UUID

from edu.certificate_generator.domain.directory import CourseCard, Person
from edu.certificate_generator.service_layer.ports import UnitOfWorkFactory
from edu.events import DecodedEvent
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished, CourseUpdated
from edu.proto_gen.events.v1.identity_events_pb2 import UserRegistered

DIRECTORY_EVENTS = ("user.registered", "course.published", "course.updated")


class Directory:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def record(self, event: DecodedEvent) -> bool:
        """Keep the person or course ``event`` describes; False for other events."""
        payload = event.payload
        async with self._uow() as uow:
            match payload:
                case UserRegistered():
                    await uow.people.add(Person(UUID(payload.user_id), payload.email))
                case CoursePublished() | CourseUpdated():
                    card = CourseCard(
                        UUID(payload.course_id),
                        payload.title,
                        UUID(payload.teacher_id),
                        event.version,
                    )
                    await uow.courses.merge(card)
                case _:
                    return False
            await uow.commit()
        return True
