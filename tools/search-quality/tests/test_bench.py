"""The benchmark's loops and figures, against fake backends and a fake clock."""

from __future__ import annotations

import asyncio
import math

import pytest

from edu.search_quality.bench import (
    Freshness,
    Throughput,
    background,
    comparison_lines,
    freshness_lines,
    measure_freshness,
    percentile,
    run_round,
    schedule,
)


class Ticks:
    """A clock that advances ``step`` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class TestPercentile:
    def test_nearest_rank(self) -> None:
        samples = [float(n) for n in range(1, 101)]
        assert percentile(samples, 50) == 50.0
        assert percentile(samples, 95) == 95.0
        assert percentile(samples, 99) == 99.0
        assert percentile(samples, 100) == 100.0

    def test_order_of_samples_does_not_matter(self) -> None:
        assert percentile([3.0, 1.0, 2.0], 50) == 2.0

    def test_one_slow_query_in_a_hundred_is_the_p100_not_the_p99(self) -> None:
        assert percentile([0.01] * 99 + [5.0], 99) == 0.01

    def test_no_samples_is_no_figure(self) -> None:
        assert math.isnan(percentile([], 95))


class TestSchedule:
    def test_rounds_alternate_who_goes_first(self) -> None:
        assert schedule(["pg", "search"], 3) == ["pg", "search", "search", "pg", "pg", "search"]

    def test_every_backend_runs_once_per_round(self) -> None:
        order = schedule(["a", "b", "c"], 4)
        assert all(order.count(name) == 4 for name in "abc")


class TestRunRound:
    async def test_clients_send_the_texts_round_robin_until_time_is_up(self) -> None:
        sent: list[str] = []

        async def send(text: str) -> bool:
            sent.append(text)
            return True

        into = Throughput("fake")
        await run_round(send, ["a", "b", "c"], 1.0, 2, into, clock=Ticks(0.01))
        assert into.errors == 0
        assert len(into.latencies) == len(sent) > 10
        assert set(sent) == {"a", "b", "c"}
        assert into.seconds == pytest.approx(1.0, abs=0.05)
        assert into.qps == pytest.approx(len(sent) / into.seconds)

    async def test_failures_and_exceptions_are_errors_not_latencies(self) -> None:
        calls = 0

        async def flaky(text: str) -> bool:
            nonlocal calls
            calls += 1
            if calls % 3 == 0:
                raise ConnectionError("refused")
            return calls % 3 == 1

        into = Throughput("flaky")
        await run_round(flaky, ["q"], 0.5, 1, into, clock=Ticks(0.01))
        assert into.errors > 0
        assert into.queries == calls
        assert len(into.latencies) == calls - into.errors

    async def test_no_texts_is_refused(self) -> None:
        async def send(text: str) -> bool:
            return True

        with pytest.raises(ValueError, match="no query texts"):
            await run_round(send, [], 1.0, 1, Throughput("x"))


class TestFreshness:
    async def test_time_from_publish_to_found_per_course(self) -> None:
        clock = Ticks(0.1)
        visible_after: dict[str, float] = {}

        async def publish(word: str) -> None:
            visible_after[word] = clock.now + 0.35

        async def found(word: str) -> bool:
            return clock.now >= visible_after[word]

        result = await measure_freshness(publish, found, ["w1", "w2"], poll=0, clock=clock)
        assert result.missing == ()
        assert len(result.delays) == 2
        assert all(0.3 <= d <= 0.6 for d in result.delays)
        assert result.passed

    async def test_a_course_never_found_fails_the_run_whatever_the_percentiles(self) -> None:
        async def publish(word: str) -> None:
            return None

        async def found(word: str) -> bool:
            return word != "lost"

        result = await measure_freshness(
            publish, found, ["a", "lost", "b"], patience=1.0, poll=0, clock=Ticks(0.1)
        )
        assert result.missing == ("lost",)
        assert not result.passed
        assert "NEVER FOUND: lost" in "\n".join(freshness_lines(result))

    def test_the_goal_line_says_not_met_above_a_second(self) -> None:
        slow = Freshness(delays=(0.2,) * 18 + (1.5, 1.6), missing=())
        fast = Freshness(delays=(0.2,) * 20, missing=())
        assert "NOT met" in freshness_lines(slow)[1]
        assert "p95 200 ms" in freshness_lines(fast)[1]
        assert ": met)" in freshness_lines(fast)[1]

    def test_nothing_published_is_no_pass(self) -> None:
        assert not Freshness(delays=(), missing=()).passed


class TestBackground:
    async def test_sends_at_the_rate_until_stopped_and_counts_every_answer(self) -> None:
        answered = 0

        async def send(text: str) -> bool:
            nonlocal answered
            answered += 1
            return answered % 5 != 0

        stop = asyncio.Event()
        into = Throughput("background")
        task = asyncio.create_task(background(send, ["q"], 200.0, stop, into))
        await asyncio.sleep(0.2)
        stop.set()
        await task
        assert into.queries == answered > 5
        assert into.errors == answered // 5


class TestComparison:
    def test_the_ratio_is_to_the_first_backend(self) -> None:
        pg = Throughput("postgres", [0.01] * 100, 0, 10.0)
        search = Throughput("search", [0.002] * 500, 0, 10.0)
        table = comparison_lines([pg, search])
        assert table[2].startswith("| postgres | 100 | 0 | 10.0 |")
        assert table[2].endswith("| 1.00x |")
        assert table[3].endswith("| 5.00x |")
