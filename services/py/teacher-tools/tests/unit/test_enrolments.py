"""The enrolments read model from enrollment's events, and the figures it gives the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from edu.auth.principal import Principal
from edu.events import DecodedEvent
from edu.proto_gen.events.v1.course_events_pb2 import CoursePublished
from edu.proto_gen.events.v1.enrollment_events_pb2 import CourseCompleted, EnrollmentCreated
from edu.teacher_tools.domain.dashboard import CourseRef, EnrolmentFigures, SectionStatus
from edu.teacher_tools.entrypoints.enrolment_events import EnrolmentEventHandler, fact_from_event
from edu.teacher_tools.service_layer.dashboards import Dashboards
from edu.teacher_tools.service_layer.enrolments import EnrolmentFact, Enrolments
from edu.teacher_tools.testing import (
    FakeCourseDirectory,
    FakeEnrolmentFigures,
    FakeTeacherToolsUnitOfWork,
)

MakeCourse = Callable[..., CourseRef]
TOKEN = "teacher-token"


@pytest.fixture
def enrolments(uow: FakeTeacherToolsUnitOfWork) -> Enrolments:
    return Enrolments(lambda: uow)


def event(
    payload: EnrollmentCreated | CourseCompleted | CoursePublished, kind: str
) -> DecodedEvent:
    return DecodedEvent(
        id=uuid4(),
        type=kind,
        occurred_at=datetime(2026, 12, 6, tzinfo=UTC),
        aggregate="enrollment",
        aggregate_id="e-1",
        version=1,
        payload=payload,
    )


class TestEnrolments:
    async def test_an_enrolment_counts_once_however_often_it_comes(
        self, enrolments: Enrolments, uow: FakeTeacherToolsUnitOfWork
    ) -> None:
        for _ in range(3):
            await enrolments.record(EnrolmentFact("e-1", "c-1", completed=False))
        assert uow.enrolments.figures("c-1") == EnrolmentFigures(1, 0)
        assert uow.committed

    async def test_a_completion_counts_the_enrolment_as_completed(
        self, enrolments: Enrolments, uow: FakeTeacherToolsUnitOfWork
    ) -> None:
        await enrolments.record(EnrolmentFact("e-1", "c-1", completed=False))
        await enrolments.record(EnrolmentFact("e-2", "c-1", completed=False))
        await enrolments.record(EnrolmentFact("e-1", "c-1", completed=True))
        assert uow.enrolments.figures("c-1") == EnrolmentFigures(2, 1)

    async def test_a_completion_before_its_enrolment_is_not_undone_by_it(
        self, enrolments: Enrolments, uow: FakeTeacherToolsUnitOfWork
    ) -> None:
        await enrolments.record(EnrolmentFact("e-1", "c-1", completed=True))
        await enrolments.record(EnrolmentFact("e-1", "c-1", completed=False))
        assert uow.enrolments.figures("c-1") == EnrolmentFigures(1, 1)

    async def test_an_event_without_its_ids_is_refused(self, enrolments: Enrolments) -> None:
        with pytest.raises(ValueError, match="without"):
            await enrolments.record(EnrolmentFact("", "c-1", completed=False))


class TestEnrolmentEvents:
    def test_enrollment_created_and_course_completed_are_facts(self) -> None:
        created = EnrollmentCreated(enrollment_id="e-1", student_id="s-1", course_id="c-1")
        completed = CourseCompleted(enrollment_id="e-1", student_id="s-1", course_id="c-1")
        assert fact_from_event(event(created, "enrollment.created")) == EnrolmentFact(
            "e-1", "c-1", completed=False
        )
        assert fact_from_event(event(completed, "course.completed")) == EnrolmentFact(
            "e-1", "c-1", completed=True
        )

    def test_other_events_say_nothing_about_enrolments(self) -> None:
        published = CoursePublished(course_id="c-1", teacher_id="t-1")
        assert fact_from_event(event(published, "course.published")) is None

    async def test_the_handler_keeps_what_the_event_says(
        self, enrolments: Enrolments, uow: FakeTeacherToolsUnitOfWork
    ) -> None:
        created = EnrollmentCreated(enrollment_id="e-1", student_id="s-1", course_id="c-1")
        await EnrolmentEventHandler(enrolments)(event(created, "enrollment.created"))
        assert uow.enrolments.rows == {"e-1": ("c-1", False)}


class TestFiguresOnTheDashboard:
    async def test_the_course_dashboard_shows_its_figures(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        enrolments: Enrolments,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        for n, done in ((1, True), (2, False), (3, False), (4, True)):
            await enrolments.record(EnrolmentFact(f"e-{n}", course.id, completed=done))
        await enrolments.record(EnrolmentFact("e-9", "another course", completed=True))

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.enrolment.value == EnrolmentFigures(4, 2)
        assert dashboard.enrolment.value.completion_rate == 0.5

    async def test_a_course_nobody_enrolled_in_has_zeros_not_nothing(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))
        assert dashboard.enrolment.value == EnrolmentFigures(0, 0)

    async def test_the_database_down_marks_only_the_figures_unavailable(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        figures: FakeEnrolmentFigures,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        courses.own(TOKEN, course := make_course())
        figures.down = True

        dashboard = await dashboards.course_dashboard(teacher, TOKEN, UUID(course.id))

        assert dashboard.enrolment.status is SectionStatus.UNAVAILABLE
        assert dashboard.unanswered.available
        assert dashboard.held.available

    async def test_the_course_list_gives_each_course_its_own_figures(
        self,
        dashboards: Dashboards,
        courses: FakeCourseDirectory,
        enrolments: Enrolments,
        teacher: Principal,
        make_course: MakeCourse,
    ) -> None:
        busy, quiet = make_course("Busy"), make_course("Quiet")
        courses.own(TOKEN, busy, quiet)
        await enrolments.record(EnrolmentFact("e-1", busy.id, completed=True))
        await enrolments.record(EnrolmentFact("e-2", busy.id, completed=False))

        lines = await dashboards.overview(teacher, TOKEN)

        assert [line.enrolment.value for line in lines] == [
            EnrolmentFigures(2, 1),
            EnrolmentFigures(0, 0),
        ]
