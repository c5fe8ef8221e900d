"""SLOs as data and the verdict `edu load` gives a run: breaches, the floor, the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from edu.cli.load.locust_csv import EndpointStats, RunStats
from edu.cli.load.results import checks_line
from edu.cli.load.slo import SloFileError, load_slos
from edu.cli.load.verdict import judge, render

SLO_FILE = """
[defaults]
p95_ms = 200
p99_ms = 500
max_failure_ratio = 0.0

[endpoints."GET /courses"]
p95_ms = 50
p99_ms = 120

[endpoints."POST /enrollments"]
p95_ms = 100
max_failure_ratio = 0.01

[throughput]
smoke = 10

[knee]
"GET /courses" = 50
"""


def stats(
    name: str, requests: int = 100, failures: int = 0, p95: float = 10, p99: float = 20
) -> EndpointStats:
    return EndpointStats(name, requests, failures, rps=5.0, p50_ms=5, p95_ms=p95, p99_ms=p99)


def run(*endpoints: EndpointStats, rps: float = 20.0) -> RunStats:
    total = EndpointStats("Aggregated", 1000, 0, rps, 5, 10, 20)
    return RunStats({e.name: e for e in endpoints}, total)


@pytest.fixture
def slo_path(tmp_path: Path) -> Path:
    path = tmp_path / "slo.toml"
    path.write_text(SLO_FILE)
    return path


class TestLoadSlos:
    def test_endpoints_inherit_what_they_leave_out_from_the_defaults(self, slo_path: Path) -> None:
        book = load_slos(slo_path)
        assert book.for_endpoint("POST /enrollments").p99_ms == 500
        assert book.for_endpoint("GET /anything").p95_ms == 200
        assert book.min_rps("smoke") == 10
        assert book.min_rps("soak") is None
        assert book.knee == {"GET /courses": 50}

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("[defaults]\np95_ms = 1\np99_ms = 2\n", "max_failure_ratio"),
            (
                '[defaults]\np95_ms = 1\np99_ms = 2\nmax_failure_ratio = 0\n[endpoints."GET /"]\np95 = 3\n',
                "unknown field",
            ),
            ("[defaults]\np95_ms = 1\np99_ms = 2\nmax_failure_ratio = 2\n", "fraction"),
            ("[defaults]\np95_ms = -1\np99_ms = 2\nmax_failure_ratio = 0\n", "p95_ms"),
            (
                "[defaults]\np95_ms = 1\np99_ms = 2\nmax_failure_ratio = 0\n[throughput]\nsmoke = 'x'\n",
                "throughput",
            ),
            ("not toml [", "slo.toml"),
        ],
    )
    def test_a_malformed_file_is_refused_with_where_and_why(
        self, tmp_path: Path, text: str, message: str
    ) -> None:
        path = tmp_path / "slo.toml"
        path.write_text(text)
        with pytest.raises(SloFileError, match=message):
            load_slos(path)

    def test_the_repository_slo_file_loads(self) -> None:
        book = load_slos(Path(__file__).parents[4] / "load" / "slo.toml")
        assert book.for_endpoint("POST /enrollments").p95_ms == 100
        assert book.for_endpoint("GET /courses").p95_ms == 50
        assert book.knee == {"POST /enrollments": 100, "GET /courses": 50}


class TestJudge:
    def test_a_run_within_every_objective_passes(self, slo_path: Path) -> None:
        report = judge(
            run(stats("GET /courses"), stats("POST /enrollments")), load_slos(slo_path), "smoke"
        )
        assert report.ok
        assert checks_line(report) == "slo checks: 3 passed, 0 failed"

    def test_a_slow_p95_is_a_breach_that_names_the_endpoint_and_numbers(
        self, slo_path: Path
    ) -> None:
        report = judge(
            run(stats("GET /courses", p95=51), stats("POST /enrollments")),
            load_slos(slo_path),
            "smoke",
        )
        assert not report.ok
        [slow] = [v for v in report.verdicts if not v.ok]
        assert slow.endpoint == "GET /courses"
        assert slow.breaches == ("p95 51 > 50 ms",)
        assert "BREACH: p95 51 > 50 ms" in render(report)

    def test_failures_above_the_allowed_ratio_are_a_breach(self, slo_path: Path) -> None:
        book = load_slos(slo_path)
        within = judge(
            run(stats("GET /courses"), stats("POST /enrollments", failures=1)), book, "smoke"
        )
        over = judge(
            run(stats("GET /courses"), stats("POST /enrollments", failures=2)), book, "smoke"
        )
        assert within.ok
        assert not over.ok

    def test_an_endpoint_with_an_slo_that_was_never_called_is_a_breach(
        self, slo_path: Path
    ) -> None:
        report = judge(run(stats("GET /courses")), load_slos(slo_path), "smoke")
        [missing] = [v for v in report.verdicts if not v.ok]
        assert missing.endpoint == "POST /enrollments"
        assert missing.breaches == ("never called",)

    def test_unlisted_endpoints_are_held_to_the_defaults(self, slo_path: Path) -> None:
        report = judge(
            run(stats("GET /courses"), stats("POST /enrollments"), stats("GET /other", p95=201)),
            load_slos(slo_path), "smoke",
        )  # fmt: skip
        assert [v.endpoint for v in report.verdicts if not v.ok] == ["GET /other"]

    def test_throughput_below_the_profile_floor_fails_the_run(self, slo_path: Path) -> None:
        report = judge(
            run(stats("GET /courses"), stats("POST /enrollments"), rps=9.5),
            load_slos(slo_path),
            "smoke",
        )
        assert not report.throughput_ok
        assert not report.ok
        assert checks_line(report) == "slo checks: 2 passed, 1 failed"
        assert "throughput: 9.5 req/s (floor 10): BREACH" in render(report)
