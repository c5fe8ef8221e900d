"""`edu load gateway`'s pure parts: sample order, percentiles, CPU from /proc, the report, and
where Locust is pointed (through the gateway, or straight at the services)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from edu.cli.load.commands import _gateway_profile
from edu.cli.load.gateway import GatewayBenchError, profile_of, sample_interleaved
from edu.cli.load.overhead import (
    DIRECT,
    THROUGH,
    CpuCost,
    GatewayReport,
    Latency,
    LatencyComparison,
    MixComparison,
    MixSide,
    ThroughputComparison,
    cpu_ticks,
    interleaving,
)
from edu.cli.load.stack import LOAD_SERVICES, LoadStack, with_transcoder_env
from edu.infra.isolated_stack import IsolatedStack

URLS = {
    "identity": "http://127.0.0.1:9001",
    "course": "http://127.0.0.1:9002",
    "enrollment": "http://127.0.0.1:9003",
    "analytics-api": "http://127.0.0.1:9005",
    "event-ingestion": "http://127.0.0.1:9010",
    "search": "http://127.0.0.1:9013",
    "messaging": "http://127.0.0.1:9014",
    "moderation": "http://127.0.0.1:9015",
    "teacher-tools": "http://127.0.0.1:9016",
    "video-processor": "http://127.0.0.1:9017",
    "api-gateway": "http://127.0.0.1:9080",
}


def load_stack_with(urls: dict[str, str]) -> LoadStack:
    stack = cast(IsolatedStack, SimpleNamespace(service_urls=urls))
    return LoadStack(stack, Path("/tmp/seed-manifest.json"), Path("/tmp/lesson-video.json"))


class TestLocustEnvironment:
    def test_points_every_api_service_at_the_gateway(self) -> None:
        env = load_stack_with(URLS).locust_environment()
        assert env == {
            "EDU_IDENTITY_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_COURSE_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_ENROLLMENT_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_EVENT_INGESTION_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_ANALYTICS_API_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_SEARCH_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_MESSAGING_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_MODERATION_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_TEACHER_TOOLS_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_VIDEO_PROCESSOR_SERVICE_URL": "http://127.0.0.1:9080",
            "EDU_SEED_MANIFEST": "/tmp/seed-manifest.json",
            "EDU_LOAD_LESSON_VIDEO": "/tmp/lesson-video.json",
        }

    def test_direct_gives_each_service_its_own_port(self) -> None:
        env = load_stack_with(URLS).locust_environment(direct=True)
        assert env["EDU_IDENTITY_SERVICE_URL"] == "http://127.0.0.1:9001"
        assert env["EDU_COURSE_SERVICE_URL"] == "http://127.0.0.1:9002"
        assert env["EDU_ENROLLMENT_SERVICE_URL"] == "http://127.0.0.1:9003"
        assert env["EDU_EVENT_INGESTION_SERVICE_URL"] == "http://127.0.0.1:9010"
        assert env["EDU_ANALYTICS_API_SERVICE_URL"] == "http://127.0.0.1:9005"
        assert env["EDU_MESSAGING_SERVICE_URL"] == "http://127.0.0.1:9014"
        assert env["EDU_TEACHER_TOOLS_SERVICE_URL"] == "http://127.0.0.1:9016"
        assert not any("GATEWAY" in name for name in env)

    def test_the_load_stack_runs_the_gateway(self) -> None:
        assert "api-gateway" in LOAD_SERVICES
        assert load_stack_with(URLS).gateway_url == "http://127.0.0.1:9080"

    def test_the_load_stack_runs_the_learning_path(self) -> None:
        """Students send learning events, the aggregator folds them, teachers read analytics."""
        assert {"event-ingestion", "analytics-aggregator", "analytics-api"} <= LOAD_SERVICES

    def test_the_load_stack_runs_search_for_the_visitors(self) -> None:
        assert "search" in LOAD_SERVICES
        env = load_stack_with(URLS).locust_environment(direct=True)
        assert env["EDU_SEARCH_SERVICE_URL"] == "http://127.0.0.1:9013"

    def test_the_load_stack_runs_video_processor_and_the_transcoder(self) -> None:
        """Teachers upload and students play lesson videos; the run's ready video and the
        uploads need the transcoder."""
        assert {"video-processor", "video-transcoder"} <= LOAD_SERVICES
        env = load_stack_with(URLS).locust_environment(direct=True)
        assert env["EDU_VIDEO_PROCESSOR_SERVICE_URL"] == "http://127.0.0.1:9017"


class TestTranscoderSettings:
    def test_one_ffmpeg_thread_working_under_the_stacks_folder(self) -> None:
        own = with_transcoder_env(Path("/tmp/stack"), None)
        assert own == {
            "video-transcoder": {
                "EDU_TRANSCODE_THREADS": "1",
                "EDU_VIDEO_WORK_DIR": "/tmp/stack/video-work",
            }
        }

    def test_keeps_the_callers_settings_and_lets_them_win(self) -> None:
        gateway = {"EDU_RATE_PER_USER_PER_MINUTE": "1000000"}
        asked = {"api-gateway": gateway, "video-transcoder": {"EDU_TRANSCODE_THREADS": "2"}}
        own = with_transcoder_env(Path("/tmp/stack"), asked)
        assert own["api-gateway"] == gateway
        assert own["video-transcoder"]["EDU_TRANSCODE_THREADS"] == "2"
        assert own["video-transcoder"]["EDU_VIDEO_WORK_DIR"] == "/tmp/stack/video-work"


class TestInterleaving:
    def test_alternates_which_side_goes_first(self) -> None:
        assert interleaving(3) == [DIRECT, THROUGH, THROUGH, DIRECT, DIRECT, THROUGH]

    def test_each_side_equally_often_and_first_equally_often(self) -> None:
        order = interleaving(10)
        assert order.count(DIRECT) == order.count(THROUGH) == 10
        firsts = order[0::2]
        assert firsts.count(DIRECT) == firsts.count(THROUGH) == 5

    def test_refuses_a_negative_count(self) -> None:
        with pytest.raises(ValueError, match="rounds"):
            interleaving(-1)


class TestLatency:
    def test_percentiles_in_microseconds_from_nanoseconds(self) -> None:
        latency = Latency.of([us * 1000 for us in range(100, 0, -1)])  # 1..100 us, unsorted
        assert latency == Latency(samples=100, p50_us=50, p95_us=95, p99_us=99)

    def test_refuses_no_samples(self) -> None:
        with pytest.raises(ValueError, match="no samples"):
            Latency.of([])


class TestSampleInterleaved:
    def test_times_each_side_and_drops_the_warm_up(self) -> None:
        now = [0]
        sent: list[str] = []

        def sender(side: str, cost_ns: int) -> Callable[[], int]:
            def send() -> int:
                sent.append(side)
                now[0] += cost_ns + len(sent)  # each request a little slower than the last
                return 200

            return send

        durations = sample_interleaved(
            {DIRECT: sender(DIRECT, 1_000), THROUGH: sender(THROUGH, 2_000)},
            rounds=4,
            warmup=2,
            clock=lambda: now[0],
        )
        assert sent == interleaving(6)
        # the first 2 x 2 requests (the warm-up) are not measured
        assert durations == {
            DIRECT: [1_000 + 5, 1_000 + 8, 1_000 + 9, 1_000 + 12],
            THROUGH: [2_000 + 6, 2_000 + 7, 2_000 + 10, 2_000 + 11],
        }

    def test_a_side_answering_an_error_fails_the_measurement(self) -> None:
        gateway = iter([200, 502])
        with pytest.raises(GatewayBenchError, match="the gateway side answered 502"):
            sample_interleaved(
                {DIRECT: lambda: 200, THROUGH: lambda: next(gateway)}, rounds=5, warmup=0
            )


STAT_LINE = (
    "4242 (api (gate) way) S 1 4242 4242 0 -1 4194560 1500 0 0 0 1234 56 0 0 20 0 "
    "3 0 900 123456789 2000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0"
)


class TestCpuTicks:
    def test_adds_utime_and_stime_after_a_name_with_spaces_and_parentheses(self) -> None:
        assert cpu_ticks(STAT_LINE) == 1234 + 56

    def test_refuses_what_is_not_a_stat_line(self) -> None:
        with pytest.raises(ValueError, match="stat"):
            cpu_ticks("4242 api-gateway S 1 2 3")


def report(
    p50_added_us: float = 120.0,
    gateway_rps: float = 950.0,
    direct_rps: tuple[float, float] = (990.0, 1010.0),
) -> GatewayReport:
    direct = Latency(3000, 1000.0, 1500.0, 2500.0)
    gateway = Latency(3000, 1000.0 + p50_added_us, 1800.0, 3100.0)
    return GatewayReport(
        profile="release",
        binary="/target/release/api-gateway",
        seed="S",
        generator_note="wrk is not installed",
        rounds=3000,
        warmup=300,
        latency=(
            LatencyComparison("GET /courses", direct, gateway),
            LatencyComparison("GET /enrollments (signed in)", direct, direct),
        ),
        throughput=ThroughputComparison(
            "GET /courses", "locust", 32, 10, direct_rps, (gateway_rps, gateway_rps)
        ),
        mix=MixComparison(24, 30, MixSide(500, 0, 16.0, 9, 40), MixSide(498, 0, 15.9, 10, 42)),
        cpu_throughput=CpuCost(0.5, 10_000),
        cpu_mix=CpuCost(0.03, 498),
        cold_start_ms=(40.0, 12.0, 11.0, 13.0, 90.0),
        measured_at="2026-12-05T05:20:00+00:00",
        load_average=(0.6, 1.4),
    )


class TestGatewayReport:
    def test_overheads_ratio_cpu_and_cold_start(self) -> None:
        r = report()
        assert r.latency[0].overhead_p50_us == 120.0
        assert r.latency[0].overhead_p95_us == 300.0
        assert r.throughput.ratio == pytest.approx(0.95, abs=1e-3)
        assert r.cpu_throughput.per_request_us == pytest.approx(50.0)
        assert r.cold_start_median_ms == 13.0

    def test_the_throughput_ratio_is_the_median_pair_so_one_disturbed_run_moves_little(
        self,
    ) -> None:
        t = ThroughputComparison("GET /courses", "locust", 32, 8, (600, 600, 600), (300, 590, 582))
        assert t.pair_ratios == pytest.approx((0.5, 0.9833, 0.97), abs=1e-4)
        assert t.ratio == pytest.approx(0.97)
        assert (t.direct_median, t.gateway_median) == (600, 582)

    def test_meets_the_goals_at_their_limits(self) -> None:
        r = report(p50_added_us=1000.0, gateway_rps=900.0, direct_rps=(1000.0, 1000.0))
        assert (r.p50_verdict, r.throughput_verdict) == ("meets", "meets")

    def test_misses_the_goals_past_their_limits(self) -> None:
        r = report(p50_added_us=1001.0, gateway_rps=899.0, direct_rps=(1000.0, 1000.0))
        assert (r.p50_verdict, r.throughput_verdict) == ("misses", "misses")

    def test_the_table_names_the_profile_the_figures_and_the_verdicts(self) -> None:
        text = report(p50_added_us=1500.0).render()
        assert "release profile" in text
        assert "+1500" in text  # the p50 overhead in us
        assert "GET /courses +1.500 ms" in text
        assert "-> misses" in text
        assert "ratio gateway/direct 0.95x (median of the pairs: 0.96 0.94)" in text
        assert "median 13.0 ms of 5" in text
        assert "50 us in the closed-loop runs" in text
        assert "load average 0.6 at the start, 1.4 at the end" in text

    def test_the_json_carries_the_derived_figures(self) -> None:
        data = json.loads(json.dumps(report().to_json()))
        assert data["profile"] == "release"
        assert data["latency"][0]["overhead_p50_us"] == 120.0
        assert data["throughput"]["ratio"] == pytest.approx(0.95, abs=1e-3)
        assert data["cpu_throughput"]["per_request_us"] == pytest.approx(50.0)
        assert data["goals"] == {
            "p50_added_us_max": 1000.0,
            "p50": "meets",
            "throughput_ratio_min": 0.9,
            "throughput": "meets",
        }


class TestProfile:
    def test_names_the_cargo_profile_of_a_binary(self) -> None:
        assert profile_of("/t/debug/api-gateway") == "dev"
        assert profile_of("/t/release/api-gateway") == "release"

    def test_asked_then_environment_then_what_is_built(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("CARGO_TARGET_DIR", str(tmp_path))
        monkeypatch.delenv("EDU_RUST_PROFILE", raising=False)
        assert _gateway_profile(tmp_path, None) == "dev"
        (tmp_path / "release").mkdir()
        (tmp_path / "release" / "api-gateway").write_bytes(b"")
        assert _gateway_profile(tmp_path, None) == "release"
        monkeypatch.setenv("EDU_RUST_PROFILE", "dev")
        assert _gateway_profile(tmp_path, None) == "dev"
        assert _gateway_profile(tmp_path, "release") == "release"
