"""A whole seed run through the services' real use cases on their in-memory fakes."""

from __future__ import annotations

from typing import Protocol

from edu.course.testing import FakeCourseDatabase
from edu.enrollment.domain.enrollment import EnrollmentStatus
from edu.enrollment.testing import FakeEnrollmentDatabase
from edu.identity.testing import FakeIdentityUnitOfWork, FakeUserRepository
from edu.seed.plan import plan_for
from edu.seed.run import seed
from edu.seed.sizes import SeedSize
from edu.seed.targets import SeedTargets

TINY = SeedSize("tiny", courses=6, students=12)


class Platform(Protocol):
    targets: SeedTargets
    users: FakeUserRepository
    identity: FakeIdentityUnitOfWork
    courses: FakeCourseDatabase
    enrollments: FakeEnrollmentDatabase


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
        larger = plan_for(SeedSize("bigger", courses=9, students=15))
        report = await seed(platform.targets, larger)
        assert counts(platform)["users"] == len(larger.teachers) + len(larger.students)
        assert counts(platform)["courses"] == len(larger.courses)
        assert report.students.existing == TINY.students
