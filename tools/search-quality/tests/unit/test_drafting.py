"""The rubric: a course's subject, level and tags against what a query asks for."""

from edu.search_quality.drafting import CatalogueCourse, draft_grades, grade, related
from edu.search_quality.judgments import JudgedQuery

PY_BEGINNER = CatalogueCourse("1", "Python: Cloned Static Array", "beginner", ("python", "video"))
PY_ADVANCED = CatalogueCourse("2", "Python: Phased Heuristic Core", "advanced", ("python",))
ML = CatalogueCourse("3", "Machine Learning: Virtual Static Strategy", "beginner", ("ml",))
PHOTO_DATABASE = CatalogueCourse("4", "Photography: Organic Homogeneous Database", "beginner", ())
DATABASES = CatalogueCourse("5", "Databases: Managed Toolset", "intermediate", ("databases",))


def _query(
    subjects: tuple[str, ...] = (),
    partial: tuple[str, ...] = (),
    level: str | None = None,
    tags: tuple[str, ...] = (),
) -> JudgedQuery:
    return JudgedQuery("q", "q", "subject", "q", subjects, partial, level, tags)


class TestGrade:
    def test_the_subject_asked_for_is_3(self) -> None:
        assert grade(_query(subjects=("Python",)), PY_ADVANCED) == 3

    def test_the_subject_at_another_level_than_asked_is_2(self) -> None:
        query = _query(subjects=("Python",), level="beginner")

        assert grade(query, PY_BEGINNER) == 3
        assert grade(query, PY_ADVANCED) == 2

    def test_the_subject_without_a_tag_asked_for_is_2(self) -> None:
        query = _query(subjects=("Python",), tags=("video",))

        assert (grade(query, PY_BEGINNER), grade(query, PY_ADVANCED)) == (3, 2)

    def test_a_neighbouring_subject_is_1_whatever_its_level(self) -> None:
        assert grade(_query(subjects=("Python",), level="advanced"), ML) == 1
        assert "Machine Learning" in related("Python")
        assert "Python" in related("Machine Learning")

    def test_a_word_of_the_catch_phrase_is_no_relevance(self) -> None:
        assert grade(_query(subjects=("Databases",)), PHOTO_DATABASE) == 0
        assert grade(_query(subjects=("Databases",)), DATABASES) == 3

    def test_a_subject_that_answers_in_part_is_2(self) -> None:
        assert grade(_query(partial=("Machine Learning",)), ML) == 2

    def test_a_level_alone_takes_any_course_at_that_level(self) -> None:
        query = _query(level="beginner")

        assert [grade(query, c) for c in (PY_BEGINNER, PY_ADVANCED, ML)] == [3, 0, 3]

    def test_a_query_with_no_intent_grades_nothing(self) -> None:
        assert draft_grades(_query(), [PY_BEGINNER, ML, DATABASES]) == {}


def test_the_draft_lists_only_courses_above_0_by_title() -> None:
    grades = draft_grades(_query(subjects=("Databases",)), [PHOTO_DATABASE, DATABASES, ML])

    # Machine Learning neighbours Data Analysis, not Databases: not listed.
    assert grades == {"Databases: Managed Toolset": 3}
