"""The seed plan: deterministic, nested across sizes, valid for the services' rules."""

from __future__ import annotations

import pytest

from edu.seed.plan import SeedPlan, plan_for
from edu.seed.sizes import COURSES_PER_TEACHER, SIZES, SeedSize, size_named

SMALL = SeedSize("small", courses=10, students=40)
LARGER = SeedSize("larger", courses=15, students=60)


# A plan is frozen (tuples of frozen specs) and ~20-60 ms to make: the tests that only read one
# share it; determinism is checked on fresh plans (test_the_same_size_always_gives_the_same_plan).
@pytest.fixture(scope="module")
def small_plan() -> SeedPlan:
    return plan_for(SMALL)


@pytest.fixture(scope="module")
def larger_plan() -> SeedPlan:
    return plan_for(LARGER)


@pytest.fixture(scope="module")
def s_plan() -> SeedPlan:
    return plan_for(SIZES["S"])


class TestSizes:
    def test_l_has_at_least_ten_thousand_students_and_five_hundred_courses(self) -> None:
        assert SIZES["L"].students >= 10_000
        assert SIZES["L"].courses >= 500

    def test_sizes_grow_from_s_to_l(self) -> None:
        s, m, large = SIZES["S"], SIZES["M"], SIZES["L"]
        assert s.students < m.students < large.students
        assert s.courses < m.courses < large.courses

    def test_every_teacher_has_at_most_the_fixed_number_of_courses(self) -> None:
        assert SIZES["M"].teachers == SIZES["M"].courses // COURSES_PER_TEACHER

    def test_size_names_are_case_insensitive_and_unknown_ones_are_refused(self) -> None:
        assert size_named("m") is SIZES["M"]
        with pytest.raises(ValueError, match="S, M, L"):
            size_named("XL")


class TestPlanFor:
    def test_the_same_size_always_gives_the_same_plan(self) -> None:
        assert plan_for(SMALL) == plan_for(SMALL)

    def test_a_smaller_size_is_a_prefix_of_a_larger_one(
        self, small_plan: SeedPlan, larger_plan: SeedPlan
    ) -> None:
        small, larger = small_plan, larger_plan
        assert larger.students[: len(small.students)] == small.students
        assert larger.teachers[: len(small.teachers)] == small.teachers
        assert larger.courses[: len(small.courses)] == small.courses

    def test_counts_follow_the_size(self, small_plan: SeedPlan) -> None:
        plan = small_plan
        assert (len(plan.teachers), len(plan.students), len(plan.courses)) == (2, 40, 10)

    def test_emails_are_unique_natural_keys(self, small_plan: SeedPlan) -> None:
        plan = small_plan
        emails = [a.email for a in (*plan.teachers, *plan.students)]
        assert len(set(emails)) == len(emails)

    def test_course_titles_are_unique_within_each_teacher(self, larger_plan: SeedPlan) -> None:
        keys = [(c.teacher_index, c.title) for c in larger_plan.courses]
        assert len(set(keys)) == len(keys)

    def test_courses_satisfy_the_course_rules(self, small_plan: SeedPlan) -> None:
        for course in small_plan.courses:
            course.details()  # raises InvalidInput if a rule is broken
            assert all(lesson.content() for lesson in course.lessons)
            assert 3 <= len(course.lessons) <= 12

    def test_some_courses_stay_drafts(self, s_plan: SeedPlan) -> None:
        published = {c.published for c in s_plan.courses}
        assert published == {True, False}

    def test_students_enrol_only_in_published_courses_and_at_most_once_each(
        self, small_plan: SeedPlan
    ) -> None:
        plan = small_plan
        pairs = [(e.student_index, e.course_index) for e in plan.enrollments]
        assert len(set(pairs)) == len(pairs)
        assert all(plan.courses[course].published for _, course in pairs)

    def test_progress_varies_from_just_enrolled_to_finished(self, s_plan: SeedPlan) -> None:
        plan = s_plan
        totals = {c.index: len(c.lessons) for c in plan.courses}
        done = [(e.lessons_done, totals[e.course_index]) for e in plan.enrollments]
        assert any(d == 0 for d, _ in done)
        assert any(0 < d < total for d, total in done)
        assert any(d == total for d, total in done)
