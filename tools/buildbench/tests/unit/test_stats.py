"""Median and spread, and the load average."""

import pytest

from edu.buildbench.stats import parse_loadavg, summarize


class TestSummarize:
    def test_median_and_range_of_three(self) -> None:
        summary = summarize([3.0, 1.0, 10.0])

        assert (summary.runs, summary.median, summary.low, summary.high) == (3, 3.0, 1.0, 10.0)
        assert summary.spread == pytest.approx(9.0)
        assert summary.cell() == "3.0 [1.0-10.0] n=3"

    def test_one_run_says_so(self) -> None:
        assert summarize([42.0]).cell() == "42.0 (1 run)"

    def test_no_runs_is_a_dash_not_zero_seconds(self) -> None:
        assert summarize([]).cell() == "—"


def test_reads_the_three_load_averages() -> None:
    assert parse_loadavg("4.56 2.06 0.84 7/195 16895\n") == (4.56, 2.06, 0.84)
