"""course's public API: the catalogue (anonymous) and teachers' authoring (a teacher's token)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from edu.web.clients.models import (
    CataloguePage,
    CourseDraft,
    Lesson,
    LessonDraft,
    PublishedCourse,
    TeacherCourse,
)
from edu.web.clients.transport import ServiceTransport


class CourseClient(Protocol):
    async def browse(self, text: str | None, *, page: int, page_size: int) -> CataloguePage: ...
    async def course(self, course_id: UUID) -> PublishedCourse: ...
    async def lesson(self, course_id: UUID, lesson_id: UUID) -> Lesson: ...
    async def teaching_courses(self, token: str) -> list[TeacherCourse]: ...
    async def teaching_course(self, token: str, course_id: UUID) -> TeacherCourse: ...
    async def create_course(self, token: str, draft: CourseDraft) -> TeacherCourse: ...
    async def update_course(
        self, token: str, course_id: UUID, draft: CourseDraft
    ) -> TeacherCourse: ...
    async def add_lesson(self, token: str, course_id: UUID, draft: LessonDraft) -> Lesson: ...
    async def update_lesson(
        self, token: str, course_id: UUID, lesson_id: UUID, draft: LessonDraft
    ) -> Lesson: ...
    async def delete_lesson(self, token: str, course_id: UUID, lesson_id: UUID) -> None: ...
    async def reorder_lessons(
        self, token: str, course_id: UUID, lesson_ids: Sequence[UUID]
    ) -> TeacherCourse: ...
    async def publish(self, token: str, course_id: UUID) -> TeacherCourse: ...
    async def unpublish(self, token: str, course_id: UUID) -> TeacherCourse: ...
    async def price_course(
        self, token: str, course_id: UUID, currency_code: str, amount_minor: int
    ) -> None: ...
    async def make_free(self, token: str, course_id: UUID) -> None: ...


class HttpCourseClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def browse(self, text: str | None, *, page: int, page_size: int) -> CataloguePage:
        params: dict[str, str | int] = {"page": page, "page_size": page_size}
        if text:
            params["q"] = text
        response = await self._http.call("GET", "/courses", params=params)
        return CataloguePage.model_validate(response.json())

    async def course(self, course_id: UUID) -> PublishedCourse:
        response = await self._http.call("GET", f"/courses/{course_id}")
        return PublishedCourse.model_validate(response.json())

    async def lesson(self, course_id: UUID, lesson_id: UUID) -> Lesson:
        response = await self._http.call("GET", f"/courses/{course_id}/lessons/{lesson_id}")
        return Lesson.model_validate(response.json())

    async def teaching_courses(self, token: str) -> list[TeacherCourse]:
        response = await self._http.call("GET", "/teaching/courses", token=token)
        return [TeacherCourse.model_validate(item) for item in response.json()]

    async def teaching_course(self, token: str, course_id: UUID) -> TeacherCourse:
        response = await self._http.call("GET", f"/teaching/courses/{course_id}", token=token)
        return TeacherCourse.model_validate(response.json())

    async def create_course(self, token: str, draft: CourseDraft) -> TeacherCourse:
        body = {**draft.model_dump(), "tags": list(draft.tags)}
        response = await self._http.call("POST", "/courses", token=token, json=body)
        return TeacherCourse.model_validate(response.json())

    async def update_course(self, token: str, course_id: UUID, draft: CourseDraft) -> TeacherCourse:
        body = {**draft.model_dump(), "tags": list(draft.tags)}
        response = await self._http.call("PUT", f"/courses/{course_id}", token=token, json=body)
        return TeacherCourse.model_validate(response.json())

    async def add_lesson(self, token: str, course_id: UUID, draft: LessonDraft) -> Lesson:
        path = f"/courses/{course_id}/lessons"
        response = await self._http.call("POST", path, token=token, json=draft.model_dump())
        return Lesson.model_validate(response.json())

    async def update_lesson(
        self, token: str, course_id: UUID, lesson_id: UUID, draft: LessonDraft
    ) -> Lesson:
        path = f"/courses/{course_id}/lessons/{lesson_id}"
        response = await self._http.call("PUT", path, token=token, json=draft.model_dump())
        return Lesson.model_validate(response.json())

    async def delete_lesson(self, token: str, course_id: UUID, lesson_id: UUID) -> None:
        await self._http.call("DELETE", f"/courses/{course_id}/lessons/{lesson_id}", token=token)

    async def reorder_lessons(
        self, token: str, course_id: UUID, lesson_ids: Sequence[UUID]
    ) -> TeacherCourse:
        body = {"lesson_ids": [str(i) for i in lesson_ids]}
        path = f"/courses/{course_id}/lesson-order"
        response = await self._http.call("PUT", path, token=token, json=body)
        return TeacherCourse.model_validate(response.json())

    async def publish(self, token: str, course_id: UUID) -> TeacherCourse:
        response = await self._http.call("POST", f"/courses/{course_id}/publish", token=token)
        return TeacherCourse.model_validate(response.json())

    async def unpublish(self, token: str, course_id: UUID) -> TeacherCourse:
        response = await self._http.call("POST", f"/courses/{course_id}/unpublish", token=token)
        return TeacherCourse.model_validate(response.json())

    async def price_course(
        self, token: str, course_id: UUID, currency_code: str, amount_minor: int
    ) -> None:
        """What enrolling costs from now on (students buy the course first)."""
        body = {"currency_code": currency_code, "amount_minor": amount_minor}
        await self._http.call("PUT", f"/courses/{course_id}/price", token=token, json=body)

    async def make_free(self, token: str, course_id: UUID) -> None:
        await self._http.call("DELETE", f"/courses/{course_id}/price", token=token)
