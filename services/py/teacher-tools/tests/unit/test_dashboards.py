"""The use cases over fake upstreams: ownership first, then each section on its own."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

from edu.auth.principal import Principal
from edu.common.problems import NotFound, PermissionDenied
from edu.teacher_tools.domain.dashboard import CourseRef, HeldItem, SectionStatus
from edu.teacher_tools.domain.questions import Post
from edu.teacher_tools.service_layer.dashboards import Dashboards
from edu.teacher_tools.service_layer.ports import CourseServiceUnavailable
from edu.teacher_tools.testing import FakeCourseDirectory, FakeHeldItems, FakeQaHistory

MakeCourse = Callable[..., CourseRef]
MakePost = Callable[..., Post]
MakeHeld = Callable[..., HeldItem]
TOKEN = "teacher-token"


class TestCourseDashboard:
    async def test_shows_unanswered_questions_and_held_items_of_the_course(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher: Principal,
        make_course: MakeCourse,
        make_post: MakePost,
        make_held: MakeHeld,
    ) -> None:
        course, other = make_course(), make_course("Rust")
        courses.own(TOKEN, course, other)
        waiting, answered = make_post(), make_post()
        qa.by_course[course.id] = [waiting, answered, make_post(answers=answered)]
        item = make_held(course.id)
        held.items = [item, make_held(other.id)]

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.course == course
        assert dashboard.unanswered.value is not None
        assert list(dashboard.unanswered.value.questions) == [waiting]
        assert dashboard.held.value == [item]
        assert held.asked == [course.id]

    async def test_answers_404_for_a_course_that_is_not_the_callers(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own("someone-else", theirs := make_course())
        with pytest.raises(NotFound):
            await dashboards.course_dashboard(teacher, TOKEN, UUID(theirs.id))

    async def test_a_student_gets_403_before_any_upstream_is_asked(
        self, dashboards: Dashboards, qa: FakeQaHistory, student: Principal
    ) -> None:
        with pytest.raises(PermissionDenied):
            await dashboards.course_dashboard(student, TOKEN, uuid4())
        assert qa.asked == []

    async def test_course_down_is_a_503_problem_not_a_guess(
        self, dashboards: Dashboards, courses: FakeCourseDirectory, teacher: Principal
    ) -> None:
        courses.down = True
        with pytest.raises(CourseServiceUnavailable) as raised:
            await dashboards.course_dashboard(teacher, TOKEN, uuid4())
        assert raised.value.status == 503

    async def test_messaging_down_leaves_the_held_items_shown(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher: Principal,
        make_course: MakeCourse,
        make_held: MakeHeld,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        held.items = [item := make_held(course.id)]
        qa.down = True

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.unanswered.status is SectionStatus.UNAVAILABLE
        assert dashboard.unanswered.reason == "messaging: answered 503"
        assert dashboard.held.value == [item]

    async def test_moderation_down_leaves_the_questions_shown(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher: Principal,
        make_course: MakeCourse,
        make_post: MakePost,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        qa.by_course[course.id] = [question := make_post()]
        held.down = True

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.held.status is SectionStatus.UNAVAILABLE
        assert dashboard.unanswered.value is not None
        assert list(dashboard.unanswered.value.questions) == [question]

    async def test_an_upstream_that_hangs_is_unavailable_after_the_section_timeout(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        qa.hang = True

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.unanswered.status is SectionStatus.UNAVAILABLE
        assert dashboard.unanswered.reason == "no answer within 0.02 s"
        assert dashboard.held.available

    async def test_a_course_never_published_has_no_questions_to_ask_for(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, draft := make_course(status="draft"))

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(draft.id))

        assert dashboard.unanswered.value is not None
        assert list(dashboard.unanswered.value.questions) == []
        assert qa.asked == []

    async def test_an_unpublished_course_still_shows_its_questions(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        teacher: Principal,
        make_course: MakeCourse,
        make_post: MakePost,
    ) -> None:
        courses.own(TOKEN, course := make_course(status="draft", ever_published=True))
        qa.by_course[course.id] = [question := make_post()]

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.unanswered.value is not None
        assert list(dashboard.unanswered.value.questions) == [question]

    async def test_a_history_longer_than_the_pages_read_says_so(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        qa.complete = False

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.unanswered.value is not None
        assert dashboard.unanswered.value.complete is False


class TestOverview:
    async def test_lists_each_course_with_its_counts(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        held: FakeHeldItems,
        teacher: Principal,
        make_course: MakeCourse,
        make_post: MakePost,
        make_held: MakeHeld,
    ) -> None:
        busy, quiet = make_course("Busy"), make_course("Quiet")
        courses.own(TOKEN, busy, quiet)
        answered = make_post()
        qa.by_course[busy.id] = [make_post(), make_post(), answered, make_post(answers=answered)]
        held.items = [make_held(busy.id), make_held(busy.id, minutes=1), make_held(quiet.id)]

        lines = await dashboards.overview(teacher, TOKEN)

        counts = [(line.course.title, line.unanswered.value, line.held.value) for line in lines]
        assert counts == [("Busy", 2, 2), ("Quiet", 0, 1)]
        assert held.asked == [None]  # one queue read for every course

    async def test_moderation_down_marks_every_held_count_unavailable(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        held: FakeHeldItems,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, make_course(), make_course())
        held.down = True

        lines = await dashboards.overview(teacher, TOKEN)

        assert [line.held.status for line in lines] == [SectionStatus.UNAVAILABLE] * 2
        assert all(line.unanswered.value == 0 for line in lines)

    async def test_a_course_messaging_does_not_know_is_unavailable_alone(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        qa: FakeQaHistory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        known, unknown = make_course("Known"), make_course("Unknown")
        courses.own(TOKEN, known, unknown)
        qa.unknown.add(unknown.id)

        lines = await dashboards.overview(teacher, TOKEN)

        assert [line.unanswered.available for line in lines] == [True, False]

    async def test_no_courses_means_an_empty_list(
        self, dashboards: Dashboards, teacher: Principal
    ) -> None:
        assert await dashboards.overview(teacher, TOKEN) == []

    async def test_course_down_is_a_503_problem(
        self, dashboards: Dashboards, courses: FakeCourseDirectory, teacher: Principal
    ) -> None:
        courses.down = True
        with pytest.raises(CourseServiceUnavailable):
            await dashboards.overview(teacher, TOKEN)

    async def test_a_student_gets_403(self, dashboards: Dashboards, student: Principal) -> None:
        with pytest.raises(PermissionDenied):
            await dashboards.overview(student, TOKEN)
