"""SLOs as data and the verdict `edu load` gives a run: breaches, the floor, the table."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from edu.cli.load.locust_csv import EndpointStats, RunStats
from edu.cli.load.results import checks_line
from edu.cli.load.slo import EndpointSlo, SloFileError, load_slos
from edu.cli.load.verdict import judge, render
from edu.testing import api_calls

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
    name: str, requests: int = 200, failures: int = 0, p95: float = 10, p99: float = 20
) -> EndpointStats:
    """An endpoint whose samples have these p95 and p99: 94 % at 5 ms, 5 % at the p95, the
    rest at the p99 (the sample percentiles and the histogram agree)."""
    slow = max(1, requests // 100)
    middle = max(1, requests * 5 // 100)
    times = {5.0: requests - middle - slow, float(p95): middle}
    times[float(p99)] = times.get(float(p99), 0) + slow
    return EndpointStats(
        name, requests, failures, rps=5.0, p50_ms=5, p95_ms=p95, p99_ms=p99, response_times=times
    )


def run(*endpoints: EndpointStats, rps: float = 20.0) -> RunStats:
    total = EndpointStats("Aggregated", 1000, 0, rps, 5, 10, 20)
    return RunStats({e.name: e for e in endpoints}, total)


def slow(name: str, ms: float, requests: int = 200) -> EndpointStats:
    """An endpoint a fifth of whose requests take ``ms``: a p95 breach beyond doubt."""
    times = {5.0: requests * 4 // 5, float(ms): requests // 5}
    return EndpointStats(name, requests, 0, 5.0, 5, ms, ms, response_times=times)


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

    def test_every_objective_in_the_repository_is_judged_by_a_profile_that_runs(self) -> None:
        """The smoke (nightly) or the soak (weekly): no objective that nobody judges."""
        book = load_slos(Path(__file__).parents[4] / "load" / "slo.toml")
        unjudged = [
            (endpoint, field)
            for endpoint in book.endpoints
            for field in ("p95_ms", "p99_ms")
            if not any(book.judges(profile, endpoint, field) for profile in ("smoke", "soak"))
        ]
        assert unjudged == []

    def test_every_lesson_video_call_the_scenarios_send_has_its_own_objective(self) -> None:
        """The names Locust records are the harness calls' (edu.testing.api_calls): a renamed
        call must not fall back to the defaults unnoticed. The smoke judges the playback's p95
        (tens of samples a run); the soak every percentile, the few uploads' included."""
        link = "/play/1765000000/c2ln/v-1"
        playback = [
            api_calls.playback("t", "v-1"),
            api_calls.signed_file(f"{link}/hls/master.m3u8"),
            api_calls.signed_file(f"{link}/hls/240p/index.m3u8"),
            api_calls.signed_file(f"{link}/hls/240p/segment_000.ts"),
            api_calls.signed_file(f"{link}/original", first_byte=0, last_byte=65535),
            api_calls.signed_file(f"{link}/hls/poster.jpg"),
            api_calls.signed_file(f"{link}/captions/en.vtt"),
        ]
        upload = [
            api_calls.declare_video("t", "c-1", "l-1", 22_000, "0" * 64),
            api_calls.send_video_chunk("t", "v-1", 16_384, b"chunk", "0" * 64),
            api_calls.complete_video("t", "v-1"),
            api_calls.video("t", "v-1"),
            api_calls.put_captions("t", "v-1", "en", b"WEBVTT\n", "English"),
        ]
        book = load_slos(Path(__file__).parents[4] / "load" / "slo.toml")
        names = [f"{call.method} {call.name}" for call in [*playback, *upload]]
        assert [name for name in names if name not in book.endpoints] == []
        smoke = [f"{c.method} {c.name}" for c in playback]
        assert all(book.judges("smoke", name, "p95_ms") for name in smoke)
        assert not any(book.judges("smoke", f"{c.method} {c.name}", "p95_ms") for c in upload)
        assert all(book.judges("soak", name, p) for name in names for p in ("p95_ms", "p99_ms"))

    def test_judged_by_names_known_percentiles_only(self, tmp_path: Path) -> None:
        path = tmp_path / "slo.toml"
        path.write_text(SLO_FILE + '[judged_by.smoke]\np90_ms = ["GET /courses"]\n')
        with pytest.raises(SloFileError, match="unknown"):
            load_slos(path)


class TestJudge:
    def test_a_run_within_every_objective_passes(self, slo_path: Path) -> None:
        report = judge(
            run(stats("GET /courses"), stats("POST /enrollments")), load_slos(slo_path), "smoke"
        )
        assert report.ok
        assert checks_line(report) == "slo checks: 3 passed, 0 failed"

    def test_a_slow_p95_backed_by_ample_samples_is_a_breach_that_names_the_numbers(
        self, slo_path: Path
    ) -> None:
        slow_endpoint = EndpointStats(
            "GET /courses", 400, 0, 5.0, 5, 80, 90, response_times={5.0: 360, 80.0: 40}
        )
        report = judge(run(slow_endpoint, stats("POST /enrollments")), load_slos(slo_path), "smoke")
        assert not report.ok
        [slow] = [v for v in report.verdicts if not v.ok]
        assert slow.endpoint == "GET /courses"
        assert slow.breaches == ("p95 80 > 50 ms (>= 80 with 99% confidence, n=400)",)
        assert "BREACH: p95 80 > 50 ms" in render(report)

    def test_one_slow_request_among_four_is_reported_as_too_few_samples_not_a_breach(
        self, slo_path: Path
    ) -> None:
        """The nightly smoke that turned red on `GET /teaching/courses`: p95 170 ms of 4."""
        four = EndpointStats(
            "GET /courses",
            4,
            0,
            0.1,
            11,
            170,
            170,
            response_times={10.0: 1, 11.0: 1, 12.0: 1, 170.0: 1},
        )
        report = judge(run(four, stats("POST /enrollments")), load_slos(slo_path), "smoke")
        assert report.ok
        [verdict] = [v for v in report.verdicts if v.endpoint == "GET /courses"]
        assert verdict.insufficient
        assert "p95: not enough samples (n=4, needs 20)" in render(report)

    def test_an_impossible_objective_still_fails_on_a_handful_of_samples(
        self, slo_path: Path
    ) -> None:
        book = load_slos(slo_path)
        impossible = replace(
            book, endpoints={**book.endpoints, "GET /courses": EndpointSlo(1, 1, 0)}
        )
        four = EndpointStats(
            "GET /courses",
            4,
            0,
            0.1,
            11,
            12,
            12,
            response_times={10.0: 1, 11.0: 2, 12.0: 1},
        )
        report = judge(run(four, stats("POST /enrollments")), impossible, "smoke")
        assert not report.ok

    def test_a_percentile_another_profile_judges_is_shown_and_not_judged_here(
        self, slo_path: Path
    ) -> None:
        book = replace(
            load_slos(slo_path),
            judged_by={
                "smoke": {"p95_ms": frozenset({"GET /courses"})},
                "soak": {"p95_ms": frozenset({"*"}), "p99_ms": frozenset({"*"})},
            },
        )
        slow_p99 = slow("POST /enrollments", 900, requests=1000)
        report = judge(run(stats("GET /courses"), slow_p99), book, "smoke")
        assert report.ok
        assert "ok; p95 judged by soak; p99 judged by soak" in render(report)
        assert not judge(run(stats("GET /courses"), slow_p99), book, "soak").ok

    def test_a_run_without_response_time_histograms_cannot_pass_its_percentiles(
        self, slo_path: Path
    ) -> None:
        bare = EndpointStats("GET /courses", 100, 0, 5.0, 5, 10, 20)
        report = judge(run(bare, stats("POST /enrollments")), load_slos(slo_path), "smoke")
        assert not report.ok
        assert "no response-time histogram" in render(report)

    def test_failures_above_the_allowed_ratio_are_a_breach(self, slo_path: Path) -> None:
        book = load_slos(slo_path)
        within = judge(
            run(stats("GET /courses"), stats("POST /enrollments", 100, failures=1)), book, "smoke"
        )
        over = judge(
            run(stats("GET /courses"), stats("POST /enrollments", 100, failures=2)), book, "smoke"
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
            run(stats("GET /courses"), stats("POST /enrollments"), slow("GET /other", 260)),
            load_slos(slo_path),
            "smoke",
        )
        assert [v.endpoint for v in report.verdicts if not v.ok] == ["GET /other"]

    def test_websocket_messages_are_not_requests_of_the_throughput_floor(
        self, slo_path: Path
    ) -> None:
        """A post read by 40 sockets is 40 WS events in Locust's totals, not 40 requests."""
        messages = replace(stats("WS qa delivery"), rps=5.0)
        report = judge(
            run(stats("GET /courses"), stats("POST /enrollments"), messages, rps=12.0),
            load_slos(slo_path),
            "smoke",
        )
        assert report.total_rps == 7.0
        assert not report.throughput_ok

    def test_a_profile_of_one_scenario_must_call_only_its_own_endpoints(
        self, slo_path: Path
    ) -> None:
        book = load_slos(slo_path)
        courses_only = run(stats("GET /courses"), rps=12.0)
        assert not judge(courses_only, book, "smoke").ok  # POST /enrollments never called
        report = judge(courses_only, book, "smoke", lambda name: name.startswith("GET "))
        assert report.ok
        assert [v.endpoint for v in report.verdicts] == ["GET /courses"]

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
