"""One seed run: accounts, then courses, then enrolments, each through the services' use cases."""

from __future__ import annotations

from edu.seed.accounts import seed_accounts
from edu.seed.courses import seed_courses
from edu.seed.enrollments import seed_enrollments
from edu.seed.plan import SeedPlan
from edu.seed.report import SeedReport
from edu.seed.targets import SeedTargets

DEFAULT_CONCURRENCY = 8


async def seed(
    targets: SeedTargets, plan: SeedPlan, concurrency: int = DEFAULT_CONCURRENCY
) -> SeedReport:
    """Make everything in ``plan`` exist; whatever already exists is found and left alone."""
    report = SeedReport(plan.size.name)
    teacher_ids = await seed_accounts(targets, plan.teachers, report.teachers, concurrency)
    student_ids = await seed_accounts(targets, plan.students, report.students, concurrency)
    courses = await seed_courses(targets, plan.courses, teacher_ids, report, concurrency)
    await seed_enrollments(targets, plan.enrollments, student_ids, courses, report, concurrency)
    return report
