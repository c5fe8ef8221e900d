"""FakeCourseClient: courses in memory, authoring checked against the caller's token."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from edu.auth.tokens import TokenVerifier
from edu.web.clients.errors import ProblemError
from edu.web.clients.models import (
    CataloguePage,
    CourseDraft,
    CourseSummary,
    Lesson,
    LessonDraft,
    LessonOutline,
    Price,
    PublishedCourse,
    TeacherCourse,
)
from edu.web.testing.switch import Switchable, principal_of

CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "PLN", "UAH", "JPY")  # course's
NOT_FOUND = ProblemError(404, "Not found", "No published course with this id.")


@dataclass
class StoredCourse:
    teacher_id: UUID
    course: TeacherCourse


@dataclass
class FakeCourseClient(Switchable):
    verifier: TokenVerifier
    name: str = "course"
    courses: dict[UUID, StoredCourse] = field(default_factory=dict)
    searches: list[str | None] = field(default_factory=list)
    prices: dict[UUID, Price] = field(default_factory=dict)  # absent: free

    def set_price(self, course_id: UUID, currency_code: str, amount_minor: int) -> Price:
        """As its teacher's PUT /courses/{id}/price does (the display as course spells it)."""
        whole, cents = divmod(amount_minor, 100)
        display = (
            f"{amount_minor} {currency_code}"
            if currency_code == "JPY"
            else f"{whole}.{cents:02d} {currency_code}"
        )
        price = Price(currency_code=currency_code, amount_minor=amount_minor, display=display)
        self.prices[course_id] = price
        return price

    def published(self) -> list[TeacherCourse]:
        return [s.course for s in self.courses.values() if s.course.published]

    async def browse(self, text: str | None, *, page: int, page_size: int) -> CataloguePage:
        self.answer()
        self.searches.append(text)
        found = [c for c in self.published() if not text or text.lower() in c.title.lower()]
        items = [
            _summary(c, self.prices.get(c.id))
            for c in found[(page - 1) * page_size : page * page_size]
        ]
        return CataloguePage(items=tuple(items), total=len(found), page=page, page_size=page_size)

    async def course(self, course_id: UUID) -> PublishedCourse:
        self.answer()
        stored = self.courses.get(course_id)
        if stored is None or not stored.course.published:
            raise NOT_FOUND
        c = stored.course
        outline = tuple(
            LessonOutline(
                id=lesson.id,
                position=lesson.position,
                title=lesson.title,
                estimated_minutes=lesson.estimated_minutes,
            )
            for lesson in c.lessons
        )
        return PublishedCourse(
            id=c.id,
            teacher_id=stored.teacher_id,
            title=c.title,
            summary=c.summary,
            level=c.level,
            tags=c.tags,
            lesson_count=len(outline),
            lessons=outline,
            total_minutes=sum(x.estimated_minutes for x in outline),
            price=self.prices.get(c.id),
        )

    async def lesson(self, course_id: UUID, lesson_id: UUID) -> Lesson:
        await self.course(course_id)
        for lesson in self.courses[course_id].course.lessons:
            if lesson.id == lesson_id:
                return lesson
        raise ProblemError(404, "Not found", "No such lesson in this course.")

    def _own(self, token: str, course_id: UUID | None = None) -> UUID:
        principal = principal_of(self.verifier, token)
        if "teacher" not in principal.roles:
            raise ProblemError(403, "Not allowed", "Only teachers may do this.")
        if course_id is not None:
            stored = self.courses.get(course_id)
            if stored is None or stored.teacher_id != principal.user_id:
                raise ProblemError(404, "Not found", "No such course of yours.")
        return principal.user_id

    async def teaching_courses(self, token: str) -> list[TeacherCourse]:
        self.answer()
        teacher = self._own(token)
        return [s.course for s in self.courses.values() if s.teacher_id == teacher]

    async def teaching_course(self, token: str, course_id: UUID) -> TeacherCourse:
        self.answer()
        self._own(token, course_id)
        return self.courses[course_id].course.model_copy(
            update={"price": self.prices.get(course_id)}
        )

    async def create_course(self, token: str, draft: CourseDraft) -> TeacherCourse:
        self.answer()
        teacher = self._own(token)
        if not draft.title.strip():
            raise ProblemError(
                422, "Invalid input", "", {"title": ("The title must not be empty.",)}
            )
        course = TeacherCourse(
            id=uuid.uuid4(),
            title=draft.title,
            summary=draft.summary,
            level=draft.level,
            tags=draft.tags,
            status="draft",
            lessons=(),
        )
        self.courses[course.id] = StoredCourse(teacher, course)
        return course

    def _replace(self, course_id: UUID, **changes: object) -> TeacherCourse:
        stored = self.courses[course_id]
        stored.course = stored.course.model_copy(update=changes)
        return stored.course

    async def add_lesson(self, token: str, course_id: UUID, draft: LessonDraft) -> Lesson:
        self.answer()
        self._own(token, course_id)
        lessons = self.courses[course_id].course.lessons
        lesson = Lesson(id=uuid.uuid4(), position=len(lessons), **draft.model_dump())
        self._replace(course_id, lessons=(*lessons, lesson))
        return lesson

    async def update_course(self, token: str, course_id: UUID, draft: CourseDraft) -> TeacherCourse:
        self.answer()
        self._own(token, course_id)
        return self._replace(course_id, **draft.model_dump())

    async def price_course(
        self, token: str, course_id: UUID, currency_code: str, amount_minor: int
    ) -> None:
        self.answer()
        self._own(token, course_id)
        if currency_code not in CURRENCIES or not 1 <= amount_minor <= 100_000_000:
            raise ProblemError(
                422,
                "Invalid price",
                "The price must be 0.01 to 1,000,000.00 of a currency we take.",
            )
        self.set_price(course_id, currency_code, amount_minor)

    async def make_free(self, token: str, course_id: UUID) -> None:
        self.answer()
        self._own(token, course_id)
        self.prices.pop(course_id, None)

    async def update_lesson(
        self, token: str, course_id: UUID, lesson_id: UUID, draft: LessonDraft
    ) -> Lesson:
        self.answer()
        self._own(token, course_id)
        lessons = list(self.courses[course_id].course.lessons)
        at = self._lesson_at(course_id, lesson_id)
        lessons[at] = lessons[at].model_copy(update=draft.model_dump())
        self._replace(course_id, lessons=tuple(lessons))
        return lessons[at]

    async def delete_lesson(self, token: str, course_id: UUID, lesson_id: UUID) -> None:
        self.answer()
        self._own(token, course_id)
        stored = self.courses[course_id].course
        at = self._lesson_at(course_id, lesson_id)
        if stored.published and len(stored.lessons) == 1:
            raise ProblemError(
                409, "Conflict", "A published course needs at least one lesson; unpublish it first."
            )
        rest = (*stored.lessons[:at], *stored.lessons[at + 1 :])
        renumbered = tuple(x.model_copy(update={"position": n}) for n, x in enumerate(rest))
        self._replace(course_id, lessons=renumbered)

    def _lesson_at(self, course_id: UUID, lesson_id: UUID) -> int:
        ids = [lesson.id for lesson in self.courses[course_id].course.lessons]
        if lesson_id not in ids:
            raise ProblemError(404, "Not found", "This course has no lesson with that id.")
        return ids.index(lesson_id)

    async def reorder_lessons(
        self, token: str, course_id: UUID, lesson_ids: Sequence[UUID]
    ) -> TeacherCourse:
        self.answer()
        self._own(token, course_id)
        by_id = {lesson.id: lesson for lesson in self.courses[course_id].course.lessons}
        if sorted(by_id) != sorted(lesson_ids):
            raise ProblemError(409, "Conflict", "Name every lesson exactly once.")
        ordered = tuple(
            by_id[i].model_copy(update={"position": n}) for n, i in enumerate(lesson_ids)
        )
        return self._replace(course_id, lessons=ordered)

    async def publish(self, token: str, course_id: UUID) -> TeacherCourse:
        self.answer()
        self._own(token, course_id)
        if not self.courses[course_id].course.lessons:
            raise ProblemError(
                409, "Conflict", "A course needs at least one lesson to be published."
            )
        return self._replace(course_id, status="published")

    async def unpublish(self, token: str, course_id: UUID) -> TeacherCourse:
        self.answer()
        self._own(token, course_id)
        return self._replace(course_id, status="draft")


def _summary(course: TeacherCourse, price: Price | None) -> CourseSummary:
    return CourseSummary(
        id=course.id,
        title=course.title,
        summary=course.summary,
        level=course.level,
        tags=course.tags,
        lesson_count=len(course.lessons),
        total_minutes=sum(x.estimated_minutes for x in course.lessons),
        price=price,
    )
