"""Teachers' use cases over fakes: each change is one committed transaction with its events."""

from __future__ import annotations

from uuid import uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import Conflict, NotFound, PermissionDenied
from edu.course.domain.course import CourseStatus
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.testing import FakeCourseDatabase
from edu.events import decode, encode
from edu.proto_gen.events.v1.course_events_pb2 import (
    CoursePublished,
    CourseUnpublished,
    CourseUpdated,
)

TEACHER = uuid4()


@pytest.fixture
def db() -> FakeCourseDatabase:
    return FakeCourseDatabase()


@pytest.fixture
def authoring(db: FakeCourseDatabase) -> CourseAuthoring:
    return CourseAuthoring(db.unit_of_work, FakeClock())


class TestCreateCourse:
    async def test_a_new_course_is_a_committed_draft_of_its_teacher(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        stored = db.courses[course.id]
        assert (stored.teacher_id, stored.status) == (TEACHER, CourseStatus.DRAFT)
        assert db.outbox == []


class TestChangeCourse:
    async def test_another_teacher_gets_permission_denied_and_nothing_is_stored(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        with pytest.raises(PermissionDenied):
            await authoring.edit_course(uuid4(), course.id, CourseDetails("Mine now"))
        assert db.courses[course.id].details.title == "Pottery"

    async def test_an_unknown_course_is_not_found(self, authoring: CourseAuthoring) -> None:
        with pytest.raises(NotFound):
            await authoring.add_lesson(TEACHER, uuid4(), LessonContent("Clay"))

    async def test_lessons_are_added_edited_reordered_and_removed(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        first = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Clay"))).lesson
        second = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Wheel"))).lesson
        await authoring.edit_lesson(
            TEACHER, course.id, first.id, LessonContent("Clay", estimated_minutes=30)
        )
        await authoring.reorder_lessons(TEACHER, course.id, [second.id, first.id])
        assert db.courses[course.id].lesson_ids == (second.id, first.id)
        await authoring.remove_lesson(TEACHER, course.id, second.id)
        stored = db.courses[course.id]
        assert stored.lesson_ids == (first.id,)
        assert stored.lessons[0].content.estimated_minutes == 30


class TestPublish:
    async def test_publishing_commits_a_course_published_event_with_the_lessons(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        lesson = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Clay"))).lesson
        published = await authoring.publish(TEACHER, course.id)
        [event] = db.outbox
        assert event.type == "course.published"
        assert event.aggregate == "course"
        assert event.aggregate_id == str(course.id)
        assert event.version == published.version
        assert decode(encode(event)).payload == CoursePublished(
            course_id=str(course.id),
            teacher_id=str(TEACHER),
            title="Pottery",
            lesson_ids=[str(lesson.id)],
        )

    async def test_publishing_without_lessons_is_a_conflict_and_writes_no_event(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        with pytest.raises(Conflict):
            await authoring.publish(TEACHER, course.id)
        assert db.outbox == []
        assert db.courses[course.id].status is CourseStatus.DRAFT

    async def test_unpublishing_announces_it(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        await authoring.add_lesson(TEACHER, course.id, LessonContent("Clay"))
        await authoring.publish(TEACHER, course.id)
        await authoring.unpublish(TEACHER, course.id)
        assert [e.type for e in db.outbox] == ["course.published", "course.unpublished"]
        assert db.courses[course.id].events == []
        unpublished = decode(encode(db.outbox[1])).payload
        assert isinstance(unpublished, CourseUnpublished)
        assert (unpublished.title, len(unpublished.lesson_ids)) == ("Pottery", 1)

    async def test_changing_a_published_course_sends_its_new_snapshot_as_course_updated(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        first = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Clay"))).lesson
        await authoring.publish(TEACHER, course.id)
        second = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Glaze"))).lesson
        await authoring.edit_course(TEACHER, course.id, CourseDetails("Stoneware"))

        updates = [decode(encode(e)) for e in db.outbox if e.type == "course.updated"]

        assert [(u.version, u.payload) for u in updates] == [
            (
                4,
                CourseUpdated(
                    course_id=str(course.id),
                    teacher_id=str(TEACHER),
                    title="Pottery",
                    lesson_ids=[str(first.id), str(second.id)],
                ),
            ),
            (
                5,
                CourseUpdated(
                    course_id=str(course.id),
                    teacher_id=str(TEACHER),
                    title="Stoneware",
                    lesson_ids=[str(first.id), str(second.id)],
                ),
            ),
        ]


class TestOwnCourses:
    async def test_a_teacher_sees_only_their_own_courses_drafts_included(
        self, authoring: CourseAuthoring
    ) -> None:
        mine = await authoring.create_course(TEACHER, CourseDetails("Mine"))
        await authoring.create_course(uuid4(), CourseDetails("Theirs"))
        assert [c.id for c in await authoring.own_courses(TEACHER)] == [mine.id]

    async def test_reading_another_teachers_course_is_denied(
        self, authoring: CourseAuthoring
    ) -> None:
        theirs = await authoring.create_course(uuid4(), CourseDetails("Theirs"))
        with pytest.raises(PermissionDenied):
            await authoring.own_course(TEACHER, theirs.id)
