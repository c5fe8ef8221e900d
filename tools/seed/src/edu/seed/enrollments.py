"""Seeding enrolments: enrol (idempotent) and complete the planned lessons not yet completed.

The first lessons of the course are completed in order, the way most students go; completing
the last one is what issues a certificate, exactly as it happens over the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from uuid import UUID

from edu.seed.courses import SeededCourse
from edu.seed.report import SeedReport, in_parallel
from edu.seed.specs import EnrollmentSpec
from edu.seed.targets import SeedTargets


async def seed_enrollments(
    targets: SeedTargets,
    specs: Sequence[EnrollmentSpec],
    student_ids: dict[int, UUID],
    courses: dict[int, SeededCourse],
    report: SeedReport,
    limit: int,
) -> None:
    # One task per student: a student's own enrolments go one after another.
    by_student = [list(group) for _, group in groupby(specs, key=lambda s: s.student_index)]

    async def one_student(planned: list[EnrollmentSpec]) -> None:
        for spec in planned:
            await _seed_enrollment(targets, student_ids[spec.student_index], spec, courses, report)

    await in_parallel(limit, by_student, one_student)


async def _seed_enrollment(
    targets: SeedTargets,
    student_id: UUID,
    spec: EnrollmentSpec,
    courses: dict[int, SeededCourse],
    report: SeedReport,
) -> None:
    course = courses[spec.course_index]
    standing, created = await targets.enrollments.enrol(student_id, course.id)
    report.enrollments.count(created=created)
    enrollment = standing.enrollment
    had_certificate = enrollment.certificate is not None
    for lesson_id in course.lesson_ids[: spec.lessons_done]:
        done = lesson_id in enrollment.completed_lessons
        report.completions.count(created=not done)
        if not done:
            standing = await targets.enrollments.complete_lesson(
                student_id, enrollment.id, lesson_id
            )
            enrollment = standing.enrollment
    if enrollment.certificate is not None:
        report.certificates.count(created=not had_certificate)
