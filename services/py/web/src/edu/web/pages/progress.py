"""Where a student stands in a course: their enrolment, and the lessons around one."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from edu.web.bootstrap import WebContainer
from edu.web.clients.models import Enrollment, LessonOutline, PublishedCourse
from edu.web.session import Member, Visitor


async def enrollment_in(
    wired: WebContainer, who: Visitor | Member, course_id: UUID
) -> Enrollment | None:
    """The visitor's enrolment in the course, if signed in and enrolled."""
    if who.token is None:
        return None
    for enrollment in await wired.enrollment.enrollments(who.token):
        if enrollment.course_id == course_id:
            return enrollment
    return None


@dataclass(frozen=True)
class Neighbours:
    previous: LessonOutline | None
    next: LessonOutline | None


def neighbours(course: PublishedCourse, lesson_id: UUID) -> Neighbours:
    ids = [lesson.id for lesson in course.lessons]
    if lesson_id not in ids:
        return Neighbours(None, None)
    at = ids.index(lesson_id)
    return Neighbours(
        course.lessons[at - 1] if at > 0 else None,
        course.lessons[at + 1] if at + 1 < len(ids) else None,
    )


def resume_at(course: PublishedCourse, enrollment: Enrollment | None) -> LessonOutline | None:
    """The first lesson not completed yet (the first lesson for a newcomer)."""
    done = set(enrollment.completed_lesson_ids) if enrollment else set()
    return next((lesson for lesson in course.lessons if lesson.id not in done), None)
