"""One seed run: accounts, then courses, then enrolments, each through the services' use cases,
then the students' learning-event history through analytics-aggregator's."""

from __future__ import annotations

from datetime import UTC, datetime

from edu.seed.accounts import seed_accounts
from edu.seed.courses import seed_courses
from edu.seed.enrollments import seed_enrollments
from edu.seed.learning import learning_history
from edu.seed.learning_events import seed_learning_events
from edu.seed.plan import SeedPlan
from edu.seed.report import SeedReport
from edu.seed.targets import SeedTargets

DEFAULT_CONCURRENCY = 8


NO_ANALYTICS = "no migrated analytics database on this server (`edu seed` makes one)"


def start_of_today() -> datetime:
    """Where the learning-event history ends: today's UTC midnight (every event before it)."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


async def seed(
    targets: SeedTargets,
    plan: SeedPlan,
    concurrency: int = DEFAULT_CONCURRENCY,
    history_until: datetime | None = None,
) -> SeedReport:
    """Make everything in ``plan`` exist; whatever already exists is found and left alone.

    The learning-event history ends at ``history_until`` (default: today's UTC midnight).
    """
    report = SeedReport(plan.size.name)
    teacher_ids = await seed_accounts(targets, plan.teachers, report.teachers, concurrency)
    student_ids = await seed_accounts(targets, plan.students, report.students, concurrency)
    courses = await seed_courses(targets, plan.courses, teacher_ids, report, concurrency)
    await seed_enrollments(targets, plan.enrollments, student_ids, courses, report, concurrency)
    if targets.learning is None:
        report.learning_skipped = NO_ANALYTICS
    else:
        history = learning_history(plan, history_until or start_of_today())
        await seed_learning_events(targets, history, student_ids, courses, report, concurrency)
    return report
