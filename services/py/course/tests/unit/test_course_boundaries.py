"""The course rules at their edges: each limit's last accepted value, the field a problem names,
when the aggregate stamps the time, and which changes of a published course are announced.

Written from the survivors of the first mutation run (ADR 0020): `>=` for `>` at every limit,
`updated_at = None`, `notify=True` for `notify=False` all passed the older tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from edu.common.problems import Conflict, InvalidInput
from edu.course.domain.course import LESSONS_MAX, Course
from edu.course.domain.events import CourseEventType
from edu.course.domain.values import (
    BODY_MAX,
    MINUTES_MAX,
    SUMMARY_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    URL_MAX,
    CourseDetails,
    LessonContent,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def refused_fields(make: Callable[[], object]) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        make()
    return [problem.field for problem in caught.value.errors]


def url_of_length(length: int) -> str:
    prefix = "https://example.com/"
    return prefix + "v" * (length - len(prefix))


class TestCourseDetailLimits:
    def test_a_title_of_the_maximum_length_is_accepted(self) -> None:
        assert len(CourseDetails("x" * TITLE_MAX).title) == TITLE_MAX

    def test_a_summary_of_the_maximum_length_is_accepted(self) -> None:
        assert len(CourseDetails("T", summary="s" * SUMMARY_MAX).summary) == SUMMARY_MAX

    def test_a_longer_summary_is_refused_naming_the_summary(self) -> None:
        assert refused_fields(lambda: CourseDetails("T", summary="s" * (SUMMARY_MAX + 1))) == [
            "summary"
        ]

    def test_the_maximum_number_of_tags_is_accepted(self) -> None:
        tags = tuple(f"t{i}" for i in range(TAGS_MAX))
        assert CourseDetails("T", tags=tags).tags == tags

    def test_one_tag_too_many_is_refused_naming_the_tags(self) -> None:
        tags = tuple(f"t{i}" for i in range(TAGS_MAX + 1))
        assert refused_fields(lambda: CourseDetails("T", tags=tags)) == ["tags"]

    def test_a_tag_of_the_maximum_length_is_accepted(self) -> None:
        assert CourseDetails("T", tags=("a" * TAG_MAX,)).tags == ("a" * TAG_MAX,)

    def test_a_longer_tag_is_refused_naming_the_tags(self) -> None:
        assert refused_fields(lambda: CourseDetails("T", tags=("a" * (TAG_MAX + 1),))) == ["tags"]

    def test_every_bad_field_is_named_once(self) -> None:
        many = tuple(f"t{i}" for i in range(TAGS_MAX + 1))
        assert refused_fields(
            lambda: CourseDetails(" ", summary="s" * (SUMMARY_MAX + 1), tags=many)
        ) == ["title", "summary", "tags"]


class TestLessonContentLimits:
    def test_a_body_of_the_maximum_length_is_accepted(self) -> None:
        assert len(LessonContent("L", body_markdown="b" * BODY_MAX).body_markdown) == BODY_MAX

    def test_a_longer_body_is_refused_naming_the_body(self) -> None:
        assert refused_fields(lambda: LessonContent("L", body_markdown="b" * (BODY_MAX + 1))) == [
            "body_markdown"
        ]

    def test_a_video_url_of_the_maximum_length_is_accepted(self) -> None:
        url = url_of_length(URL_MAX)
        assert LessonContent("L", video_url=url).video_url == url

    @pytest.mark.parametrize(
        "url", [url_of_length(URL_MAX + 1), "https://example.com/a video", "https://ex ample.com"]
    )
    def test_an_overlong_or_spaced_video_url_is_refused(self, url: str) -> None:
        assert refused_fields(lambda: LessonContent("L", video_url=url)) == ["video_url"]

    @pytest.mark.parametrize("minutes", [1, MINUTES_MAX])
    def test_the_estimate_range_includes_its_ends(self, minutes: int) -> None:
        assert LessonContent("L", estimated_minutes=minutes).estimated_minutes == minutes

    def test_an_overlong_lesson_title_is_refused_naming_the_title(self) -> None:
        assert refused_fields(lambda: LessonContent("x" * (TITLE_MAX + 1))) == ["title"]


def published_course(lessons: int = 2) -> Course:
    course = Course.create(teacher_id=uuid4(), details=CourseDetails("Algebra"), now=NOW)
    for number in range(lessons):
        course.add_lesson(LessonContent(f"Lesson {number}"), NOW)
    course.publish(NOW)
    course.events.clear()
    return course


class TestLessonLimit:
    def test_a_course_holds_up_to_the_maximum_number_of_lessons(self) -> None:
        course = Course.create(teacher_id=uuid4(), details=CourseDetails("Big"), now=NOW)
        for number in range(LESSONS_MAX):
            course.add_lesson(LessonContent(f"L{number}"), NOW)
        with pytest.raises(Conflict, match=str(LESSONS_MAX)):
            course.add_lesson(LessonContent("One more"), NOW)
        assert len(course.lessons) == LESSONS_MAX


class TestTimestamps:
    def test_a_new_course_is_created_and_updated_now(self) -> None:
        course = Course.create(teacher_id=uuid4(), details=CourseDetails("T"), now=NOW)
        assert (course.created_at, course.updated_at, course.published_at) == (NOW, NOW, None)

    def test_publishing_stamps_the_publication_time(self) -> None:
        course = Course.create(teacher_id=uuid4(), details=CourseDetails("T"), now=NOW)
        course.add_lesson(LessonContent("L"), NOW)
        course.publish(LATER)
        assert (course.published_at, course.updated_at) == (LATER, LATER)

    @pytest.mark.parametrize(
        "change",
        [
            lambda c: c.edit(CourseDetails("Geometry"), LATER),
            lambda c: c.add_lesson(LessonContent("New"), LATER),
            lambda c: c.edit_lesson(c.lessons[0].id, LessonContent("Edited"), LATER),
            lambda c: c.remove_lesson(c.lessons[0].id, LATER),
            lambda c: c.reorder_lessons(tuple(reversed(c.lesson_ids)), LATER),
            lambda c: c.unpublish(LATER),
        ],
        ids=["edit", "add", "edit-lesson", "remove", "reorder", "unpublish"],
    )
    def test_every_change_stamps_the_time_and_bumps_the_version(
        self, change: Callable[[Course], object]
    ) -> None:
        course = published_course()
        version = course.version
        change(course)
        assert (course.updated_at, course.version) == (LATER, version + 1)


class TestAnnouncements:
    """A published course announces what enrollment keeps: its title and its lesson ids."""

    @pytest.mark.parametrize(
        ("change", "announced"),
        [
            (lambda c: c.add_lesson(LessonContent("New"), LATER), [CourseEventType.UPDATED]),
            (lambda c: c.remove_lesson(c.lessons[0].id, LATER), [CourseEventType.UPDATED]),
            (lambda c: c.edit(CourseDetails("Geometry"), LATER), [CourseEventType.UPDATED]),
            (lambda c: c.edit(CourseDetails("Algebra", summary="new"), LATER), []),
            (lambda c: c.edit_lesson(c.lessons[0].id, LessonContent("Edited"), LATER), []),
            (lambda c: c.reorder_lessons(tuple(reversed(c.lesson_ids)), LATER), []),
            (lambda c: c.unpublish(LATER), [CourseEventType.UNPUBLISHED]),
        ],
        ids=[
            "add",
            "remove",
            "retitle",
            "summary",
            "edit-lesson",
            "reorder",
            "unpublish",
        ],
    )
    def test_only_changes_to_the_title_or_the_lesson_set_are_announced(
        self, change: Callable[[Course], object], announced: list[CourseEventType]
    ) -> None:
        course = published_course()
        change(course)
        assert [event.type for event in course.events] == announced

    def test_publishing_announces_the_publication_alone(self) -> None:
        course = Course.create(teacher_id=uuid4(), details=CourseDetails("T"), now=NOW)
        course.add_lesson(LessonContent("L"), NOW)
        course.publish(LATER)
        assert [event.type for event in course.events] == [CourseEventType.PUBLISHED]
