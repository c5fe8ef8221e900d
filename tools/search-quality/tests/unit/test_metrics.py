"""nDCG@10 and the reciprocal rank against hand-computed examples."""

import math

import pytest

from edu.search_quality.metrics import dcg, gain, ideal_dcg, mean, ndcg, reciprocal_rank

LOG2_3 = math.log2(3)  # the discount of rank 2


class TestGain:
    def test_grades_0_to_3_gain_0_1_3_7(self) -> None:
        assert [gain(g) for g in range(4)] == [0.0, 1.0, 3.0, 7.0]


class TestDcg:
    def test_rank_r_is_discounted_by_log2_of_r_plus_1(self) -> None:
        # 7/log2(2) + 0/log2(3) + 3/log2(4) = 7 + 0 + 1.5
        assert dcg([3, 0, 2]) == pytest.approx(8.5)

    def test_only_the_first_k_count(self) -> None:
        assert dcg([0] * 10 + [3]) == 0.0
        assert dcg([3, 3], k=1) == pytest.approx(7.0)


class TestNdcg:
    def test_hand_computed_example_with_an_unjudged_result(self) -> None:
        judged = {"a": 3, "c": 2}
        # DCG 8.5 (above); ideal 7 + 3/log2(3) = 8.892789...
        expected = 8.5 / (7 + 3 / LOG2_3)

        assert ndcg(["a", "b", "c"], judged) == pytest.approx(expected)
        assert expected == pytest.approx(0.955830, abs=1e-6)

    def test_the_ideal_order_scores_one(self) -> None:
        assert ndcg(["a", "c", "x"], {"a": 3, "c": 2}) == pytest.approx(1.0)

    def test_swapping_the_two_relevant_results_costs(self) -> None:
        # 3 + 7/log2(3) = 7.416508... over 8.892789...
        assert ndcg(["c", "a"], {"a": 3, "c": 2}) == pytest.approx(0.833991, abs=1e-6)

    def test_the_ideal_comes_from_the_judgments_not_from_what_was_returned(self) -> None:
        # Two courses are perfect; finding one of them, first, is not perfect: 7 / (7 + 7/log2(3)).
        assert ndcg(["a"], {"a": 3, "b": 3}) == pytest.approx(7 / (7 + 7 / LOG2_3))
        assert ndcg(["a"], {"a": 3, "b": 3}) == pytest.approx(0.613147, abs=1e-6)

    def test_the_ideal_is_cut_at_k_too(self) -> None:
        judged = {f"c{i}": 3 for i in range(12)}

        assert ideal_dcg(judged) == pytest.approx(sum(7 / math.log2(r + 1) for r in range(1, 11)))
        assert ndcg([f"c{i}" for i in range(10)], judged) == pytest.approx(1.0)

    def test_a_relevant_course_below_rank_10_earns_nothing(self) -> None:
        ranked = [f"noise{i}" for i in range(10)] + ["a"]

        assert ndcg(ranked, {"a": 3}) == 0.0

    def test_nothing_returned_scores_zero(self) -> None:
        assert ndcg([], {"a": 1}) == 0.0

    def test_a_query_nothing_answers_has_no_ndcg(self) -> None:
        assert ndcg(["a", "b"], {}) is None
        assert ndcg([], {"a": 0}) is None


class TestReciprocalRank:
    def test_the_first_result_graded_2_or_more_counts(self) -> None:
        # rank 1 is only related (grade 1), rank 2 unjudged, rank 3 relevant: 1/3
        assert reciprocal_rank(["x", "y", "z"], {"x": 1, "z": 2}) == pytest.approx(1 / 3)

    def test_a_relevant_first_result_scores_one(self) -> None:
        assert reciprocal_rank(["a", "b"], {"a": 3, "b": 3}) == 1.0

    def test_no_relevant_result_in_the_first_k_scores_zero(self) -> None:
        assert reciprocal_rank(["x"] * 10 + ["a"], {"a": 3}) == 0.0
        assert reciprocal_rank([], {"a": 3}) == 0.0

    def test_mrr_is_the_mean_of_the_reciprocal_ranks(self) -> None:
        ranks = [
            reciprocal_rank(["a"], {"a": 3}),
            reciprocal_rank(["x", "a"], {"a": 2}),
            reciprocal_rank(["x"], {"a": 2}),
        ]

        assert mean(ranks) == pytest.approx((1 + 0.5 + 0) / 3)
        assert mean([]) is None
