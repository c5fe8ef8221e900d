"""The Course aggregate's rules: lessons, order, publication, versions and events."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.problems import Conflict, InvalidInput, NotFound, PermissionDenied
from edu.course.domain.course import Course, CourseStatus
from edu.course.domain.events import CourseEventType
from edu.course.domain.values import CourseDetails, LessonContent

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
sizes_and_permutations = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(st.just(n), st.permutations(range(n)))
)


def new_course(lessons: int = 0) -> Course:
    course = Course.create(teacher_id=uuid4(), details=CourseDetails("Rust for cooks"), now=NOW)
    for number in range(lessons):
        course.add_lesson(LessonContent(f"Lesson {number}"), NOW)
    return course


class TestOwnership:
    def test_owner_may_change_the_course(self) -> None:
        course = new_course()
        course.ensure_owned_by(course.teacher_id)

    def test_another_teacher_is_refused(self) -> None:
        with pytest.raises(PermissionDenied):
            new_course().ensure_owned_by(uuid4())


class TestLessons:
    def test_lessons_keep_the_order_they_were_added_in(self) -> None:
        course = new_course(lessons=3)
        assert [lesson.content.title for lesson in course.lessons] == [
            "Lesson 0",
            "Lesson 1",
            "Lesson 2",
        ]

    def test_editing_an_unknown_lesson_is_not_found(self) -> None:
        with pytest.raises(NotFound):
            new_course(lessons=1).edit_lesson(uuid4(), LessonContent("x"), NOW)

    def test_the_last_lesson_of_a_published_course_cannot_be_removed(self) -> None:
        course = new_course(lessons=1)
        course.publish(NOW)
        with pytest.raises(Conflict):
            course.remove_lesson(course.lessons[0].id, NOW)

    def test_a_draft_may_lose_its_last_lesson(self) -> None:
        course = new_course(lessons=1)
        course.remove_lesson(course.lessons[0].id, NOW)
        assert course.lessons == []


class TestReorder:
    @given(sizes_and_permutations)
    def test_any_permutation_reorders_and_keeps_every_lesson(
        self, case: tuple[int, list[int]]
    ) -> None:
        size, permutation = case
        course = new_course(lessons=size)
        before = course.lesson_ids
        order = [before[i] for i in permutation]
        course.reorder_lessons(order, NOW)
        assert list(course.lesson_ids) == order
        assert sorted(course.lesson_ids) == sorted(before)

    @given(st.lists(st.sampled_from(range(4)), max_size=6))
    def test_an_order_that_is_not_a_permutation_is_refused(self, picks: list[int]) -> None:
        course = new_course(lessons=4)
        ids = course.lesson_ids
        order: list[UUID] = [ids[i] for i in picks]
        if sorted(picks) == [0, 1, 2, 3]:
            order.append(uuid4())  # make it wrong: an extra, unknown lesson
        with pytest.raises(InvalidInput):
            course.reorder_lessons(order, NOW)
        assert course.lesson_ids == ids


class TestPublication:
    def test_a_course_without_lessons_cannot_be_published(self) -> None:
        course = new_course()
        with pytest.raises(Conflict, match="at least one lesson"):
            course.publish(NOW)
        assert course.status is CourseStatus.DRAFT

    def test_publishing_records_the_lesson_ids_for_other_services(self) -> None:
        course = new_course(lessons=2)
        course.publish(NOW)
        [event] = course.events
        assert event.type is CourseEventType.PUBLISHED
        assert event.lesson_ids == course.lesson_ids
        assert event.version == course.version

    def test_publishing_twice_changes_nothing_the_second_time(self) -> None:
        course = new_course(lessons=1)
        course.publish(NOW)
        version = course.version
        course.publish(NOW)
        assert (course.version, len(course.events)) == (version, 1)

    def test_unpublishing_returns_to_draft_and_says_so(self) -> None:
        course = new_course(lessons=1)
        course.publish(NOW)
        course.unpublish(NOW)
        assert course.status is CourseStatus.DRAFT
        assert [e.type for e in course.events] == [
            CourseEventType.PUBLISHED,
            CourseEventType.UNPUBLISHED,
        ]

    def test_lesson_changes_of_a_published_course_are_announced(self) -> None:
        course = new_course(lessons=1)
        course.publish(NOW)
        course.add_lesson(LessonContent("Bonus"), NOW)
        assert course.events[-1].type is CourseEventType.UPDATED
        assert len(course.events[-1].lesson_ids) == 2

    def test_draft_changes_are_not_announced(self) -> None:
        course = new_course(lessons=2)
        course.edit(CourseDetails("New title"), NOW)
        assert course.events == []


class TestVersion:
    @given(st.lists(st.sampled_from(["add", "edit", "publish", "unpublish"]), max_size=20))
    def test_every_event_carries_a_version_higher_than_the_one_before(
        self, actions: list[str]
    ) -> None:
        course = new_course(lessons=1)
        for action in actions:
            if action == "add":
                course.add_lesson(LessonContent("More"), NOW)
            elif action == "edit":
                course.edit(CourseDetails(f"Title {course.version}"), NOW)
            elif action == "publish":
                course.publish(NOW)
            else:
                course.unpublish(NOW)
        versions = [event.version for event in course.events]
        assert versions == sorted(set(versions))
        assert all(v <= course.version for v in versions)
