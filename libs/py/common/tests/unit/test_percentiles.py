"""Percentile objectives judged on evidence: order-statistic confidence bounds, not a p95 of 4."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.percentiles import (
    Evidence,
    binomial_at_least,
    histogram_of,
    judge_percentile,
    lower_bound,
    lower_rank,
    min_samples,
    nearest_rank,
    upper_rank,
)


class TestBinomialTail:
    @pytest.mark.parametrize(("n", "k", "p"), [(4, 1, 0.05), (20, 3, 0.05), (100, 90, 0.95)])
    def test_agrees_with_the_exact_sum(self, n: int, k: int, p: float) -> None:
        exact = sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
        assert binomial_at_least(n, k, p) == pytest.approx(exact, rel=1e-9)

    def test_handles_hundreds_of_thousands_of_samples(self) -> None:
        assert binomial_at_least(300_000, 1, 0.95) == pytest.approx(1.0)
        assert binomial_at_least(300_000, 290_000, 0.95) == pytest.approx(0.0, abs=1e-12)


class TestRanks:
    def test_a_p95_needs_20_samples_and_a_p99_100(self) -> None:
        assert (min_samples(0.95), min_samples(0.99), min_samples(0.5)) == (20, 100, 2)

    @given(st.integers(min_value=2, max_value=3000))
    def test_the_lower_rank_keeps_its_confidence_and_is_the_tightest(self, n: int) -> None:
        rank = lower_rank(n, 0.95)
        if rank is None:
            assert binomial_at_least(n, 1, 0.95) < 0.99
            return
        assert binomial_at_least(n, rank, 0.95) >= 0.99
        assert rank == n or binomial_at_least(n, rank + 1, 0.95) < 0.99

    def test_the_upper_rank_needs_enough_samples_to_exist(self) -> None:
        assert upper_rank(20, 0.95) is None  # the maximum of 20 is no 99 % bound on a p95
        rank = upper_rank(1000, 0.95)
        assert rank is not None
        assert 950 < rank <= 1000
        assert 1 - binomial_at_least(1000, rank, 0.95) >= 0.99

    def test_the_lower_bound_holds_at_least_as_often_as_promised(self) -> None:
        # Samples from a known distribution: the bound must be above the true p95 in fewer
        # than 1 % of runs (plus sampling slack).
        rng = random.Random(7)  # noqa: S311 - reproducible samples, not a secret
        true_p95 = -math.log(0.05)  # Exp(1)
        above = 0
        for _ in range(400):
            samples = histogram_of(round(rng.expovariate(1.0), 4) for _ in range(60))
            bound = lower_bound(samples, 0.95)
            above += bound is not None and bound > true_p95
        assert above <= 10


class TestJudgePercentile:
    def test_one_slow_request_among_four_is_not_enough_evidence(self) -> None:
        verdict = judge_percentile(histogram_of([10, 12, 11, 170]), 0.95, 150)
        assert verdict.observed == 170  # the sample "p95" of 4 is their maximum
        assert verdict.evidence is Evidence.INSUFFICIENT
        assert verdict.ok
        assert verdict.describe() == "p95: not enough samples (n=4, needs 20)"

    def test_a_breach_backed_by_ample_samples_fails(self) -> None:
        samples = histogram_of([100] * 70 + [200] * 30)
        verdict = judge_percentile(samples, 0.95, 150)
        assert verdict.evidence is Evidence.BREACHED
        assert not verdict.ok
        assert "with 99% confidence, n=100" in verdict.describe()

    def test_an_impossible_objective_fails_even_on_a_handful_of_samples(self) -> None:
        verdict = judge_percentile(histogram_of([3, 4, 5, 170]), 0.95, 1)
        assert verdict.evidence is Evidence.BREACHED

    def test_a_sample_p95_over_the_limit_that_the_bound_does_not_confirm_passes_visibly(
        self,
    ) -> None:
        samples = histogram_of([100] * 93 + [200] * 7)
        verdict = judge_percentile(samples, 0.95, 150)
        assert verdict.observed == 200
        assert verdict.evidence is Evidence.NOT_SIGNIFICANT
        assert verdict.ok
        assert "not significant" in verdict.describe()

    def test_within_the_limit_with_enough_samples_is_met(self) -> None:
        verdict = judge_percentile(histogram_of(range(1, 101)), 0.95, 96)
        assert verdict.observed == 95
        assert verdict.evidence is Evidence.MET

    def test_nearest_rank_has_no_float_drift(self) -> None:
        assert nearest_rank(histogram_of(range(1, 101)), 0.95) == 95
        assert nearest_rank({}, 0.95) is None

    def test_refuses_a_quantile_outside_zero_and_one(self) -> None:
        with pytest.raises(ValueError, match="between 0 and 1"):
            judge_percentile({1.0: 1}, 95, 10)
