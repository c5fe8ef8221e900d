"""A whole seed run through the services' real use cases on their in-memory fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from edu.analytics_aggregator.testing import FakeRollupStore
from edu.course.testing import FakeCourseDatabase
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.testing import FakeEnrollmentDatabase
from edu.identity.testing import FakeIdentityUnitOfWork, FakeUserRepository
from edu.seed import learning
from edu.seed.learning import learning_history
from edu.seed.plan import plan_for
from edu.seed.run import seed
from edu.seed.sizes import SeedSize
from edu.seed.targets import SeedTargets

TINY = SeedSize("tiny", courses=6, students=12, history_every=4)
UNTIL = datetime(2026, 12, 5, tzinfo=UTC)


class Platform(Protocol):
    targets: SeedTargets
    users: FakeUserRepository
    identity: FakeIdentityUnitOfWork
    courses: FakeCourseDatabase
    enrollments: FakeEnrollmentDatabase


class FakePlatformWithRollups(Platform, Protocol):
    rollups: FakeRollupStore


def counts(platform: Platform) -> dict[str, int]:
    enrollments = platform.enrollments.enrollments.values()
    return {
        "users": len(platform.users.rows),
        "courses": len(platform.courses.courses),
        "lessons": sum(len(c.lessons) for c in platform.courses.courses.values()),
        "enrollments": len(enrollments),
        "completions": sum(len(e.completed_lessons) for e in enrollments),
        "certificates": sum(e.certificate is not None for e in enrollments),
        "events": len(platform.identity.committed_events)
        + len(platform.courses.outbox)
        + len(platform.enrollments.outbox),
    }


class TestSeed:
    async def test_makes_every_planned_account_course_enrollment_and_certificate(
        self, platform: Platform
    ) -> None:
        plan = plan_for(TINY)
        report = await seed(platform.targets, plan, concurrency=3)
        made = counts(platform)
        assert made["users"] == len(plan.teachers) + len(plan.students)
        assert made["courses"] == len(plan.courses)
        assert made["enrollments"] == len(plan.enrollments) == report.enrollments.created
        assert made["completions"] == sum(e.lessons_done for e in plan.enrollments)
        finished = [e for e in platform.enrollments.enrollments.values() if e.certificate]
        assert all(e.status is EnrollmentStatus.COMPLETED for e in finished)
        assert made["certificates"] == report.certificates.created > 0

    async def test_publishes_only_the_courses_planned_as_published(
        self, platform: Platform
    ) -> None:
        plan = plan_for(TINY)
        await seed(platform.targets, plan)
        published = sorted(c.is_published for c in platform.courses.courses.values())
        assert published == sorted(c.published for c in plan.courses)

    async def test_a_second_run_finds_everything_and_makes_nothing(
        self, platform: Platform
    ) -> None:
        plan = plan_for(TINY)
        await seed(platform.targets, plan)
        before = counts(platform)
        again = await seed(platform.targets, plan)
        assert counts(platform) == before
        assert not again.created_anything
        assert again.students.existing == len(plan.students)
        assert again.enrollments.existing == len(plan.enrollments)

    async def test_a_larger_size_after_a_smaller_one_adds_without_duplicating(
        self, platform: Platform
    ) -> None:
        await seed(platform.targets, plan_for(TINY))
        larger = plan_for(SeedSize("bigger", courses=9, students=15, history_every=4))
        report = await seed(platform.targets, larger)
        assert counts(platform)["users"] == len(larger.teachers) + len(larger.students)
        assert counts(platform)["courses"] == len(larger.courses)
        assert report.students.existing == TINY.students


class TestLearningEvents:
    async def test_folds_the_planned_history_through_the_aggregators_use_case_once(
        self, platform: FakePlatformWithRollups
    ) -> None:
        plan = plan_for(TINY)
        history = learning_history(plan, UNTIL)
        report = await seed(platform.targets, plan, history_until=UNTIL)
        store = platform.rollups
        assert report.learning_events.created == len(store.processed) == len(history) > 0
        opened = sum(e.type == learning.OPENED for e in history)
        assert sum(store.views.values()) == opened
        finished = {
            (v.course_id, v.lesson_id, v.user_id) for v in store.viewers.values() if v.finished
        }
        assert len(finished) == sum(
            e.lessons_done for e in plan.enrollments if e.student_index % TINY.history_every == 0
        )

        again = await seed(platform.targets, plan, history_until=UNTIL + timedelta(days=3))
        assert again.learning_events.existing == len(history)
        assert not again.created_anything
        assert len(store.processed) == len(history)
        assert sum(store.views.values()) == opened

    async def test_without_an_analytics_database_the_history_is_left_out_and_said_so(
        self, platform: FakePlatformWithRollups
    ) -> None:
        targets = replace(platform.targets, learning=None)
        report = await seed(targets, plan_for(TINY))
        assert report.learning_events.total == 0
        assert "no migrated analytics database" in report.render()
