"""The whole seed for one size: which accounts, courses and enrolments should exist."""

from __future__ import annotations

from dataclasses import dataclass, replace

from edu.seed.factories import AccountFactory, CourseFactory, rng
from edu.seed.sizes import COURSES_PER_TEACHER, SeedSize
from edu.seed.specs import AccountSpec, CourseSpec, EnrollmentSpec

# How many courses a student takes (0 to 4), and how popularity falls off along the catalogue:
# a few courses draw most students, as on real platforms (and in the load tests' hot rows).
ENROLLMENT_COUNTS = (0, 1, 2, 3, 4)
ENROLLMENT_WEIGHTS = (10, 35, 30, 18, 7)
POPULARITY_EXPONENT = 0.7


@dataclass(frozen=True)
class SeedPlan:
    size: SeedSize
    teachers: tuple[AccountSpec, ...]
    students: tuple[AccountSpec, ...]
    courses: tuple[CourseSpec, ...]
    enrollments: tuple[EnrollmentSpec, ...]


def plan_for(size: SeedSize) -> SeedPlan:
    courses = _unique_titles_per_teacher(
        [
            CourseFactory.build(index=i, teacher_index=i // COURSES_PER_TEACHER)
            for i in range(size.courses)
        ]
    )
    return SeedPlan(
        size=size,
        teachers=tuple(
            AccountFactory.build(index=i, as_teacher=True) for i in range(size.teachers)
        ),
        students=tuple(AccountFactory.build(index=i) for i in range(size.students)),
        courses=tuple(courses),
        enrollments=tuple(_enrollments(size, courses)),
    )


def _unique_titles_per_teacher(courses: list[CourseSpec]) -> list[CourseSpec]:
    """Titles are the natural key within a teacher, so a rare Faker repeat gets a part number."""
    seen: set[tuple[int, str]] = set()
    unique = []
    for course in courses:
        title, part = course.title, 1
        while (course.teacher_index, title) in seen:
            part += 1
            title = f"{course.title} (Part {part})"
        seen.add((course.teacher_index, title))
        unique.append(replace(course, title=title))
    return unique


def _enrollments(size: SeedSize, courses: list[CourseSpec]) -> list[EnrollmentSpec]:
    published = [c for c in courses if c.published]
    if not published:
        return []
    popularity = [1 / (rank + 1) ** POPULARITY_EXPONENT for rank in range(len(published))]
    planned = []
    for student in range(size.students):
        # The key keeps its old spelling: it seeds the random draws, so the plan stays the same.
        pick = rng("student", student, "enrolments", size.courses)
        wanted = min(pick.choices(ENROLLMENT_COUNTS, ENROLLMENT_WEIGHTS)[0], len(published))
        chosen: list[CourseSpec] = []
        while len(chosen) < wanted:
            [course] = pick.choices(published, popularity)
            if course not in chosen:
                chosen.append(course)
        planned += [_progress(student, course, pick.random()) for course in chosen]
    return planned


def _progress(student: int, course: CourseSpec, draw: float) -> EnrollmentSpec:
    """A quarter just enrolled, half part-way through, a quarter finished (a certificate)."""
    total = len(course.lessons)
    if draw < 0.25:
        done = 0
    elif draw < 0.75 and total > 1:
        done = 1 + int((draw - 0.25) / 0.5 * (total - 1))
    else:
        done = total
    return EnrollmentSpec(student_index=student, course_index=course.index, lessons_done=done)
