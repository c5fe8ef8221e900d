"""Seeding courses: each teacher's planned courses, their lessons, and publication.

A course is found again by (teacher, title) through the teacher's own course list; lessons by
title within the course. A run that stopped half-way is completed by the next one: missing
lessons are added and a planned publication happens, nothing is created twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from uuid import UUID

from edu.course.domain.course import Course
from edu.seed.report import SeedReport, in_parallel
from edu.seed.specs import CourseSpec
from edu.seed.targets import SeedTargets


@dataclass(frozen=True)
class SeededCourse:
    id: UUID
    lesson_ids: tuple[UUID, ...]
    published: bool


async def seed_courses(
    targets: SeedTargets,
    specs: Sequence[CourseSpec],
    teacher_ids: dict[int, UUID],
    report: SeedReport,
    limit: int,
) -> dict[int, SeededCourse]:
    """Every planned course exists as planned afterwards; returns them by spec index."""
    by_teacher = [list(group) for _, group in groupby(specs, key=lambda s: s.teacher_index)]

    async def one_teacher(planned: list[CourseSpec]) -> list[tuple[int, SeededCourse]]:
        teacher_id = teacher_ids[planned[0].teacher_index]
        owned = {c.details.title: c for c in await targets.authoring.own_courses(teacher_id)}
        return [
            (
                spec.index,
                await _seed_course(targets, teacher_id, spec, owned.get(spec.title), report),
            )
            for spec in planned
        ]

    done = await in_parallel(limit, by_teacher, one_teacher)
    return {index: course for pairs in done for index, course in pairs}


async def _seed_course(
    targets: SeedTargets,
    teacher_id: UUID,
    spec: CourseSpec,
    course: Course | None,
    report: SeedReport,
) -> SeededCourse:
    report.courses.count(created=course is None)
    if course is None:
        course = await targets.authoring.create_course(teacher_id, spec.details())
    titles = {lesson.content.title for lesson in course.lessons}
    added = False
    for lesson in spec.lessons:
        report.lessons.count(created=lesson.title not in titles)
        if lesson.title not in titles:
            await targets.authoring.add_lesson(teacher_id, course.id, lesson.content())
            titles.add(lesson.title)
            added = True
    if spec.published:
        report.published.count(created=not course.is_published)
    if spec.published and not course.is_published:
        course = await targets.authoring.publish(teacher_id, course.id)  # answers with lessons
    elif added:
        course = await targets.authoring.own_course(teacher_id, course.id)
    return SeededCourse(course.id, course.lesson_ids, course.is_published)
