"""web's typed clients against the real identity, course, enrollment and notifications APIs:
the requests they send are the ones the services accept, and the answers parse."""

from __future__ import annotations

import uuid

import pytest

from edu.common.clock import SystemClock
from edu.notifications.service_layer.event_handling import EventHandling
from edu.notifications.testing import delivered
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

    async def test_editing_a_course_and_a_lesson_then_deleting_a_lesson(
        self, web: WebContainer
    ) -> None:
        token = await teacher_token(web)
        course = await web.course.create_course(token, CourseDraft(title=f"Go {uuid.uuid4()}"))
        kept = await web.course.add_lesson(token, course.id, LessonDraft(title="Kept"))
        dropped = await web.course.add_lesson(token, course.id, LessonDraft(title="Dropped"))

        revised = CourseDraft(
            title=f"Go, revised {uuid.uuid4().hex[:8]}",
            summary="Goroutines and channels.",
            level="advanced",
            tags=("go", "concurrency"),
        )
        edited = await web.course.update_course(token, course.id, revised)
        lesson = LessonDraft(
            title="Kept, rewritten",
            body_markdown="# Now with a body",
            estimated_minutes=25,
            video_url="https://video.example/kept",
        )
        rewritten = await web.course.update_lesson(token, course.id, kept.id, lesson)
        await web.course.delete_lesson(token, course.id, dropped.id)

        assert (edited.title, edited.summary, edited.level, edited.tags) == (
            revised.title,
            "Goroutines and channels.",
            "advanced",
            ("go", "concurrency"),
        )
        assert (rewritten.id, rewritten.title, rewritten.estimated_minutes) == (
            kept.id,
            "Kept, rewritten",
            25,
        )
        assert rewritten.video_url == "https://video.example/kept"
        stored = await web.course.teaching_course(token, course.id)
        assert stored.title == revised.title
        assert [(x.id, x.body_markdown) for x in stored.lessons] == [(kept.id, "# Now with a body")]

    async def test_deleting_a_published_courses_last_lesson_is_a_409_the_editor_shows(
        self, web: WebContainer
    ) -> None:
        token = await teacher_token(web)
        course = await web.course.create_course(token, CourseDraft(title=f"One {uuid.uuid4()}"))
        only = await web.course.add_lesson(token, course.id, LessonDraft(title="Only"))
        await web.course.publish(token, course.id)

        with pytest.raises(ProblemError) as refused:
            await web.course.delete_lesson(token, course.id, only.id)
        assert refused.value.status == 409
        assert "unpublish" in refused.value.message
        assert (await web.course.lesson(course.id, only.id)).title == "Only"


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

    async def test_lists_notifications_newest_first_a_page_at_a_time_and_marks_one_read(
        self, web: WebContainer, notifications_events: EventHandling
    ) -> None:
        email = unique_email("welcomed")
        user = await web.identity.sign_up(email, PASSWORD, teacher=False)
        token = (await web.identity.log_in(email, PASSWORD)).access_token
        clock = SystemClock()
        registered = delivered("user.registered", clock, user_id=str(user.id), email=email)
        enrolled = delivered(
            "enrollment.created",
            clock,
            enrollment_id=str(uuid.uuid4()),
            student_id=str(user.id),
            course_id=str(uuid.uuid4()),
        )
        await notifications_events.handle(registered)
        await notifications_events.handle(enrolled)

        page = await web.notifications.notifications(token, limit=20, offset=0)
        assert (page.total, page.limit, page.offset) == (2, 20, 0)
        newest, welcome = page.items
        assert "enrolled" in newest.title
        assert welcome.unread
        second = await web.notifications.notifications(token, limit=1, offset=1)
        assert [n.id for n in second.items] == [welcome.id]
        assert await web.notifications.unread_count(token) == 2

        marked = await web.notifications.mark_read(token, welcome.id)
        assert (marked.id, marked.unread) == (welcome.id, False)
        assert await web.notifications.unread_count(token) == 1
        again = await web.notifications.notifications(token, limit=20, offset=0)
        assert [n.unread for n in again.items] == [True, False]

    async def test_marking_an_unknown_notification_read_is_a_404(self, web: WebContainer) -> None:
        email = unique_email("stranger")
        await web.identity.sign_up(email, PASSWORD, teacher=False)
        token = (await web.identity.log_in(email, PASSWORD)).access_token
        with pytest.raises(ProblemError) as missing:
            await web.notifications.mark_read(token, uuid.uuid4())
        assert missing.value.status == 404

    async def test_enrolment_emails_are_on_until_switched_off(self, web: WebContainer) -> None:
        email = unique_email("quiet")
        await web.identity.sign_up(email, PASSWORD, teacher=False)
        token = (await web.identity.log_in(email, PASSWORD)).access_token

        assert (await web.notifications.preferences(token)).enrollment_emails
        switched = await web.notifications.set_preferences(token, enrollment_emails=False)
        assert not switched.enrollment_emails
        assert not (await web.notifications.preferences(token)).enrollment_emails
        switched_back = await web.notifications.set_preferences(token, enrollment_emails=True)
        assert switched_back.enrollment_emails
