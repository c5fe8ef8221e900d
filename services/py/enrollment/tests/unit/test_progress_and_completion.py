"""Progress and completion rules of an enrolment, as properties over any order of completions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.problems import Conflict, NotFound
from edu.enrollment.domain.course_outline import CourseOutline
from edu.enrollment.domain.enrollment import Enrollment, EnrollmentStatus
from edu.enrollment.domain.events import EnrollmentEventType

NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def outline(lessons: int, *, published: bool = True) -> CourseOutline:
    return CourseOutline(
        course_id=uuid4(),
        title="Knots for sailors",
        published=published,
        lesson_ids=frozenset(uuid4() for _ in range(lessons)),
        version=3,
    )


def enrolled(course: CourseOutline) -> Enrollment:
    return Enrollment.enrol(student_id=uuid4(), outline=course, now=NOW)


# A course size and a sequence of completions drawn from its lessons (repeats allowed).
courses_and_completions = st.integers(min_value=1, max_value=8).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(0, n - 1), max_size=3 * n))
)


class TestEnrol:
    def test_enrolling_records_enrollment_created_as_version_one(self) -> None:
        enrollment = enrolled(outline(2))
        [event] = enrollment.events
        assert (event.type, event.version) == (EnrollmentEventType.CREATED, 1)
        assert enrollment.status is EnrollmentStatus.ACTIVE

    def test_an_unpublished_course_is_not_open_for_enrollment(self) -> None:
        with pytest.raises(Conflict, match="not open"):
            enrolled(outline(2, published=False))


class TestCompleteLesson:
    def test_a_lesson_of_another_course_is_not_found(self) -> None:
        enrollment = enrolled(outline(2))
        with pytest.raises(NotFound, match="not part of the course"):
            enrollment.complete_lesson(uuid4(), outline(2), NOW)

    def test_completing_the_last_lesson_completes_the_course_and_issues_a_certificate(
        self,
    ) -> None:
        course = outline(2)
        enrollment = enrolled(course)
        for lesson_id in course.lesson_ids:
            enrollment.complete_lesson(lesson_id, course, NOW, new_code=lambda: "code-1")
        assert enrollment.status is EnrollmentStatus.COMPLETED
        assert enrollment.certificate is not None
        assert enrollment.certificate.code == "code-1"
        assert enrollment.certificate.course_title == course.title
        assert [e.type for e in enrollment.events][-2:] == [
            EnrollmentEventType.COURSE_COMPLETED,
            EnrollmentEventType.CERTIFICATE_ISSUED,
        ]

    def test_marking_again_completes_a_course_whose_remaining_lessons_were_removed(self) -> None:
        course = outline(2)
        first, second = sorted(course.lesson_ids)
        enrollment = enrolled(course)
        enrollment.complete_lesson(first, course, NOW)
        shrunk = CourseOutline(course.course_id, course.title, True, frozenset({first}), 4)
        enrollment.complete_lesson(first, shrunk, NOW)
        assert enrollment.is_completed
        assert second not in enrollment.completed_lessons


class TestProperties:
    @given(courses_and_completions)
    def test_completed_exactly_when_every_lesson_is_done(self, case: tuple[int, list[int]]) -> None:
        size, picks = case
        course = outline(size)
        lessons = sorted(course.lesson_ids)
        enrollment = enrolled(course)
        for pick in picks:
            enrollment.complete_lesson(lessons[pick], course, NOW)
        all_done = set(picks) == set(range(size))
        assert enrollment.is_completed is all_done
        assert (enrollment.progress(course).percent == 100) is all_done
        assert (enrollment.certificate is not None) is all_done

    @given(courses_and_completions)
    def test_progress_never_goes_down_and_counts_distinct_lessons(
        self, case: tuple[int, list[int]]
    ) -> None:
        size, picks = case
        course = outline(size)
        lessons = sorted(course.lesson_ids)
        enrollment = enrolled(course)
        seen: list[int] = [0]
        for pick in picks:
            enrollment.complete_lesson(lessons[pick], course, NOW)
            seen.append(enrollment.progress(course).percent)
        assert seen == sorted(seen)
        assert enrollment.progress(course).completed_lessons == len(set(picks))

    @given(courses_and_completions)
    def test_repeats_change_nothing_and_events_are_numbered_without_gaps(
        self, case: tuple[int, list[int]]
    ) -> None:
        size, picks = case
        course = outline(size)
        lessons = sorted(course.lesson_ids)
        enrollment = enrolled(course)
        for pick in picks:
            enrollment.complete_lesson(lessons[pick], course, NOW)
        kinds = [e.type for e in enrollment.events]
        assert kinds.count(EnrollmentEventType.LESSON_COMPLETED) == len(set(picks))
        assert kinds.count(EnrollmentEventType.CERTIFICATE_ISSUED) <= 1
        assert [e.version for e in enrollment.events] == list(range(1, len(kinds) + 1))
        assert enrollment.version == len(kinds)

    def test_any_order_of_the_same_lessons_ends_in_the_same_state(self) -> None:
        # Every one of the 120 orders, not a sample of them (Hypothesis drew 100, with repeats).
        course = outline(5)
        lessons: list[UUID] = sorted(course.lesson_ids)
        for order in itertools.permutations(range(5)):
            enrollment = enrolled(course)
            for index in order:
                enrollment.complete_lesson(lessons[index], course, NOW)
            assert enrollment.is_completed, order
            assert set(enrollment.completed_lessons) == set(lessons), order
            assert enrollment.version == 1 + 5 + 2, order
