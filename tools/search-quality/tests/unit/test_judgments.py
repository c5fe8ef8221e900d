"""The committed judged query set: well formed, big enough, and about the seed M catalogue."""

from collections import Counter

import pytest

from edu.search_quality.judgments import (
    CATEGORIES,
    DEFAULT_PATH,
    JudgmentsError,
    digest,
    load_judgments,
    parse_judgments,
    render_judgments,
)
from edu.seed.plan import plan_for
from edu.seed.sizes import size_named

QUERIES = load_judgments()


def _entry(**fields: object) -> dict[str, object]:
    return {"id": "q", "text": "python", "category": "subject", "intent": "Python", **fields}


def _one(**fields: object) -> dict[str, object]:
    return {"queries": [_entry(**fields)]}


class TestTheCommittedSet:
    def test_has_at_least_50_queries_in_every_category(self) -> None:
        per_category = Counter(q.category for q in QUERIES)

        assert len(QUERIES) >= 50
        assert set(per_category) == set(CATEGORIES)

    def test_every_judged_title_is_a_published_course_of_seed_m(self) -> None:
        published = [c.title for c in plan_for(size_named("M")).courses if c.published]

        unknown = {t for q in QUERIES for t in q.grades if t not in set(published)}

        assert unknown == set()
        assert len(set(published)) == len(published), "a title must name one course"

    def test_every_answerable_query_has_a_course_graded_2_or_more(self) -> None:
        without = [q.id for q in QUERIES if q.answerable and max(q.grades.values()) < 2]

        assert without == []

    def test_queries_with_no_good_answer_grade_nothing(self) -> None:
        assert all(not q.grades for q in QUERIES if q.category == "no-answer")
        assert all(q.answerable for q in QUERIES if q.category != "no-answer")

    def test_the_file_is_in_the_layout_render_writes(self) -> None:
        text = DEFAULT_PATH.read_text()
        header = text.split("\n[[queries]]", 1)[0]

        assert render_judgments(QUERIES, header) == text


class TestParsing:
    def test_reads_grades_by_title(self) -> None:
        [query] = parse_judgments(_one(grades={"Python: A": 3, "Rust: B": 1}))

        assert query.grades == {"Python: A": 3, "Rust: B": 1}
        assert query.answerable

    @pytest.mark.parametrize("grade", [4, -1, "3"])
    def test_refuses_a_grade_outside_0_to_3(self, grade: object) -> None:
        with pytest.raises(JudgmentsError, match="0-3"):
            parse_judgments(_one(grades={"Python: A": grade}))

    def test_refuses_an_unknown_category(self) -> None:
        with pytest.raises(JudgmentsError, match="category"):
            parse_judgments(_one(category="vibes"))

    def test_refuses_a_query_id_twice(self) -> None:
        with pytest.raises(JudgmentsError, match="twice"):
            parse_judgments({"queries": [_entry(), _entry()]})

    def test_names_a_missing_field(self) -> None:
        with pytest.raises(JudgmentsError, match="'text'"):
            parse_judgments({"queries": [{"id": "q", "category": "subject", "intent": "x"}]})


class TestDigest:
    def test_changes_with_a_grade_and_not_with_the_order_of_grades(self) -> None:
        [a] = parse_judgments(_one(grades={"Python: A": 3, "Rust: B": 1}))
        [b] = parse_judgments(_one(grades={"Rust: B": 1, "Python: A": 3}))
        [c] = parse_judgments(_one(grades={"Python: A": 2, "Rust: B": 1}))

        assert digest([a]) == digest([b]) != digest([c])
