"""One backend over a query set: rows, the figures per category, and the gate on a baseline."""

import json
from pathlib import Path

import pytest

from edu.search_quality.evaluation import RankedSearch, evaluate
from edu.search_quality.gate import Baseline, BaselineError, judge
from edu.search_quality.judgments import JudgedQuery
from edu.search_quality.report import report_markdown, results_json

PYTHON = JudgedQuery("py", "python", "subject", "Python", grades={"Py A": 3, "Py B": 3, "ML": 1})
TYPO = JudgedQuery("typo", "pyhton", "typo", "Python", grades={"Py A": 3, "Py B": 3})
NONE = JudgedQuery("none", "knitting", "no-answer", "nothing")
QUERIES = [PYTHON, TYPO, NONE]


def _answers(table: dict[str, list[str]]) -> RankedSearch:
    return lambda text, limit: table.get(text, [])[:limit]


GOOD = _answers({"python": ["Py A", "Py B", "ML"], "pyhton": ["Py B", "Py A"]})
REVERSED = _answers({"python": ["ML", "Py B", "Py A"], "pyhton": ["x", "Py B"]})


class TestEvaluate:
    def test_rows_carry_the_grades_of_what_came_back(self) -> None:
        evaluation = evaluate(QUERIES, GOOD)
        python, typo, none = evaluation.rows

        assert python.grades == (3, 3, 1)
        assert python.ndcg == pytest.approx(1.0)
        assert typo.grades == (3, 3)
        assert typo.reciprocal_rank == 1.0
        assert none.ndcg is None
        assert none.ranked == ()

    def test_no_answer_queries_are_kept_out_of_the_means(self) -> None:
        overall = evaluate(QUERIES, GOOD).overall

        assert (overall.queries, overall.answerable, overall.no_answer) == (3, 2, 1)
        assert overall.silent == 1
        assert overall.mrr == pytest.approx(1.0)

    def test_a_no_answer_query_that_returns_something_is_not_silent(self) -> None:
        noisy = _answers({"knitting": ["Py A", "ML"]})

        overall = evaluate([NONE], noisy).overall

        assert (overall.silent, overall.returned_for_no_answer, overall.ndcg) == (0, 2.0, None)

    def test_figures_per_category(self) -> None:
        by_category = evaluate(QUERIES, REVERSED).by_category

        assert list(by_category) == ["subject", "typo", "no-answer"]
        assert by_category["typo"].mrr == pytest.approx(0.5)
        assert by_category["subject"].ndcg is not None
        assert by_category["subject"].ndcg < 1.0

    def test_only_the_first_k_results_are_kept(self) -> None:
        many = _answers({"python": [f"x{i}" for i in range(30)]})

        assert len(evaluate([PYTHON], many, k=10).rows[0].ranked) == 10


class TestGate:
    def test_green_on_its_own_baseline(self) -> None:
        evaluation = evaluate(QUERIES, GOOD)
        baseline = Baseline.of("postgres", "digest", evaluation)

        verdict = judge(evaluation, baseline, "digest")

        assert verdict.passed
        assert verdict.lines[0].startswith("gate ok: nDCG@10 1.0000 against baseline 1.0000")

    def test_red_when_the_ranking_is_reversed_and_names_the_queries(self) -> None:
        baseline = Baseline.of("postgres", "digest", evaluate(QUERIES, GOOD))

        verdict = judge(evaluate(QUERIES, REVERSED), baseline, "digest")

        assert not verdict.passed
        assert "FAILED" in verdict.lines[0]
        assert "2 queries worse: typo" in verdict.lines[1]

    def test_a_drop_within_the_margin_passes(self) -> None:
        evaluation = evaluate(QUERIES, GOOD)
        baseline = Baseline.of("postgres", "digest", evaluation)
        better = Baseline(**{**baseline.__dict__, "ndcg": baseline.ndcg + 0.009})

        assert judge(evaluation, better, "digest", margin=0.01).passed
        assert not judge(evaluation, better, "digest", margin=0.005).passed

    def test_refuses_a_baseline_of_other_judgments(self) -> None:
        evaluation = evaluate(QUERIES, GOOD)

        with pytest.raises(BaselineError, match="re-record"):
            judge(evaluation, Baseline.of("postgres", "old", evaluation), "new")

    def test_a_baseline_survives_its_file(self, tmp_path: Path) -> None:
        baseline = Baseline.of("postgres", "digest", evaluate(QUERIES, REVERSED))
        path = tmp_path / "postgres.json"
        path.write_text(baseline.to_json())

        assert Baseline.read(path) == baseline

    def test_a_missing_baseline_says_how_to_record_one(self, tmp_path: Path) -> None:
        with pytest.raises(BaselineError, match="--write-baseline"):
            Baseline.read(tmp_path / "nope.json")


class TestReport:
    def test_markdown_has_the_headline_the_categories_and_every_query(self) -> None:
        text = report_markdown(evaluate(QUERIES, GOOD), "postgres", "FTS", "digest")

        assert "**nDCG@10 1.000, MRR 1.000** over 2 answerable queries" in text
        assert "| no-answer | 1 | 0 | — | — | 1/1 | 0.000 |" in text
        assert "| `pyhton` | typo | 1.000 | 1.000 | 2 | 3 3 |" in text

    def test_json_has_per_query_rows_with_titles_and_grades(self) -> None:
        data = json.loads(results_json(evaluate(QUERIES, GOOD), "postgres", "FTS", "d", {}))

        assert data["overall"]["ndcg"] == pytest.approx(1.0)
        assert data["queries"][1]["results"] == [
            {"title": "Py B", "grade": 3},
            {"title": "Py A", "grade": 3},
        ]
