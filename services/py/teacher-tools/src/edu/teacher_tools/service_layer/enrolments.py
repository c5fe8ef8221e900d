"""The enrolments read model, kept from enrollment's events: ``enrollment.created`` counts a
student in, ``course.completed`` counts them as done. Both are idempotent upserts by the
enrollment id, so redelivery and any arrival order give the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edu.teacher_tools.service_layer.ports import TeacherToolsUnitOfWork

UnitOfWorkFactory = Callable[[], TeacherToolsUnitOfWork]


@dataclass(frozen=True)
class EnrolmentFact:
    enrollment_id: str
    course_id: str
    completed: bool


class Enrolments:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def record(self, fact: EnrolmentFact) -> None:
        """Keep what an enrolment event says, once however often it comes."""
        if not (fact.enrollment_id and fact.course_id):
            raise ValueError("an enrolment event without its enrollment's or course's id")
        async with self._uow() as uow:
            if fact.completed:
                await uow.enrolments.completed(fact.enrollment_id, fact.course_id)
            else:
                await uow.enrolments.enrolled(fact.enrollment_id, fact.course_id)
            await uow.commit()
