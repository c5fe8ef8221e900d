"""web's typed clients against the real identity, course, enrollment and notifications APIs:
the requests they send are the ones the services accept, and the answers parse."""

from __future__ import annotations

import uuid

import pytest

from edu.web.bootstrap import WebContainer
from edu.web.clients.errors import NotSignedIn, ProblemError
from edu.web.clients.models import CourseDraft, LessonDraft, TeacherCourse

PASSWORD = "violet-kettle-orbit-9"


def unique_email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:10]}@example.org"


async def teacher_token(web: WebContainer) -> str:
    email = unique_email("teacher")
    await web.identity.sign_up(email, PASSWORD, teacher=True)
    return (await web.identity.log_in(email, PASSWORD)).access_token


async def published_course(web: WebContainer, lessons: int = 2) -> TeacherCourse:
    token = await teacher_token(web)
    title = f"Course {uuid.uuid4().hex[:8]}"
    course = await web.course.create_course(token, CourseDraft(title=title, summary="About it."))
    for n in range(lessons):
        await web.course.add_lesson(token, course.id, LessonDraft(title=f"Lesson {n + 1}"))
    return await web.course.publish(token, course.id)


class TestIdentityClient:
    async def test_sign_up_log_in_verify_refresh_promote_and_log_out(
        self, web: WebContainer
    ) -> None:
        email = unique_email("ada")
        user = await web.identity.sign_up(email, PASSWORD, teacher=False)
        tokens = await web.identity.log_in(email, PASSWORD)

        principal = await web.access_tokens.principal(tokens.access_token)
        assert principal is not None
        assert principal.user_id == user.id

        promoted = await web.identity.become_teacher(tokens.access_token)
        assert "teacher" in promoted.roles
        renewed = await web.identity.refresh(tokens.refresh_token)
        assert renewed.refresh_token != tokens.refresh_token
        await web.identity.log_out(renewed.refresh_token)
        with pytest.raises(NotSignedIn):
            await web.identity.refresh(renewed.refresh_token)

    async def test_a_weak_password_comes_back_as_a_password_field_error(
        self, web: WebContainer
    ) -> None:
        with pytest.raises(ProblemError) as raised:
            await web.identity.sign_up(unique_email("weak"), "password", teacher=False)
        assert raised.value.status == 422
        assert raised.value.field_errors["password"]

    async def test_a_taken_email_is_a_409_and_a_wrong_password_is_not_signed_in(
        self, web: WebContainer
    ) -> None:
        email = unique_email("twice")
        await web.identity.sign_up(email, PASSWORD, teacher=False)
        with pytest.raises(ProblemError) as taken:
            await web.identity.sign_up(email, PASSWORD, teacher=False)
        assert taken.value.status == 409
        with pytest.raises(NotSignedIn) as wrong:
            await web.identity.log_in(email, "not-the-password-at-all")
        assert "not correct" in wrong.value.message


class TestCourseClient:
    async def test_authoring_then_reading_it_back_from_the_catalogue(
        self, web: WebContainer
    ) -> None:
        token = await teacher_token(web)
        title = f"Rust {uuid.uuid4().hex[:8]}"
        draft = CourseDraft(title=title, summary="Ownership.", level="beginner", tags=("rust",))
        course = await web.course.create_course(token, draft)
        first = await web.course.add_lesson(
            token, course.id, LessonDraft(title="One", body_markdown="# One")
        )
        second = await web.course.add_lesson(
            token, course.id, LessonDraft(title="Two", estimated_minutes=5)
        )
        reordered = await web.course.reorder_lessons(token, course.id, [second.id, first.id])
        assert [lesson.title for lesson in reordered.lessons] == ["Two", "One"]
        assert (await web.course.publish(token, course.id)).published

        page = await web.course.browse(title, page=1, page_size=5)
        assert [item.id for item in page.items] == [course.id]
        public = await web.course.course(course.id)
        assert [lesson.title for lesson in public.lessons] == ["Two", "One"]
        assert public.total_minutes == 15
        assert (await web.course.lesson(course.id, first.id)).body_markdown == "# One"
        assert course.id in {c.id for c in await web.course.teaching_courses(token)}
        assert (await web.course.unpublish(token, course.id)).status == "draft"

    async def test_bad_input_names_the_field_and_unknown_courses_are_404(
        self, web: WebContainer
    ) -> None:
        token = await teacher_token(web)
        with pytest.raises(ProblemError) as raised:
            await web.course.create_course(token, CourseDraft(title=""))
        assert "title" in raised.value.field_errors
        with pytest.raises(ProblemError) as missing:
            await web.course.course(uuid.uuid4())
        assert missing.value.status == 404


class TestEnrollmentClient:
    async def test_enrol_twice_complete_every_lesson_and_verify_the_certificate(
        self, web: WebContainer
    ) -> None:
        course = await published_course(web)
        email = unique_email("student")
        await web.identity.sign_up(email, PASSWORD, teacher=False)
        token = (await web.identity.log_in(email, PASSWORD)).access_token

        enrollment = await web.enrollment.enrol(token, course.id)
        assert (await web.enrollment.enrol(token, course.id)).id == enrollment.id
        for lesson in course.lessons:
            enrollment = await web.enrollment.complete_lesson(token, enrollment.id, lesson.id)

        assert enrollment.progress.percent == 100
        assert enrollment.certificate_code is not None
        assert [e.id for e in await web.enrollment.enrollments(token)] == [enrollment.id]
        certificate = await web.enrollment.certificate(enrollment.certificate_code)
        assert certificate is not None
        assert certificate.course_title == course.title
        assert await web.enrollment.certificate("A" * 24) is None


class TestNotificationsClient:
    async def test_a_new_user_has_no_unread_notifications(self, web: WebContainer) -> None:
        email = unique_email("fresh")
        await web.identity.sign_up(email, PASSWORD, teacher=False)
        token = (await web.identity.log_in(email, PASSWORD)).access_token
        assert await web.notifications.unread_count(token) == 0
