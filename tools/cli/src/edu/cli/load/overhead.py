"""The arithmetic of `edu load gateway` (edu.cli.load.gateway), apart from any server.

The order the unloaded samples are taken in, their percentiles in microseconds, a process's CPU
time from a ``/proc/<pid>/stat`` line, and the report: its table, its JSON, and the goals of
issue 20 judged in words ("meets" / "misses"), never as an exit code: one run on a shared
2-core machine is a measurement, not evidence of a regression (ADR 0013).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from edu.common.percentiles import histogram_of, nearest_rank

DIRECT = "direct"  # A: each service on its own port
THROUGH = "gateway"  # B: the same request through the api-gateway
SIDES = (DIRECT, THROUGH)

# Issue 20's goals for the gateway: it adds at most this much at p50 ...
P50_GOAL_US = 1000.0
# ... and keeps at least this share of the direct closed-loop throughput.
THROUGHPUT_GOAL = 0.9

# /proc/<pid>/stat: utime and stime are fields 14 and 15 (1-based); counted from field 3, the
# first after the command name, they are the 12th and 13th.
_UTIME_AFTER_NAME = 14 - 3
_STIME_AFTER_NAME = 15 - 3


def interleaving(rounds: int) -> list[str]:
    """The sides in the order the sequential samples are taken: A B, then B A, and so on
    (A B B A A B ...), so each side goes first equally often and neither gains from the other
    having warmed a cache or from a drift of the machine's speed during the run."""
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, not {rounds}")
    order: list[str] = []
    for index in range(rounds):
        order.extend(SIDES if index % 2 == 0 else reversed(SIDES))
    return order


def cpu_ticks(stat_line: str) -> int:
    """utime + stime, in clock ticks, of one ``/proc/<pid>/stat`` line (every thread of the
    process). The command name (field 2, in parentheses) may itself hold spaces and
    parentheses, so the fields are counted after its last ``)``."""
    head, closing, rest = stat_line.rpartition(")")
    fields = rest.split()
    if not closing or "(" not in head or len(fields) <= _STIME_AFTER_NAME:
        raise ValueError(f"not a /proc/<pid>/stat line: {stat_line[:120]!r}")
    return int(fields[_UTIME_AFTER_NAME]) + int(fields[_STIME_AFTER_NAME])


@dataclass(frozen=True)
class Latency:
    """Nearest-rank percentiles of one side's samples, in microseconds."""

    samples: int
    p50_us: float
    p95_us: float
    p99_us: float

    @classmethod
    def of(cls, durations_ns: Sequence[int]) -> Latency:
        if not durations_ns:
            raise ValueError("no samples")
        histogram = histogram_of(duration / 1000 for duration in durations_ns)

        def at(quantile: float) -> float:
            value = nearest_rank(histogram, quantile)
            assert value is not None  # noqa: S101 - histogram is not empty
            return value

        return cls(len(durations_ns), at(0.50), at(0.95), at(0.99))


@dataclass(frozen=True)
class LatencyComparison:
    """One request, unloaded: direct against through the gateway."""

    request: str
    direct: Latency
    gateway: Latency

    @property
    def overhead_p50_us(self) -> float:
        return self.gateway.p50_us - self.direct.p50_us

    @property
    def overhead_p95_us(self) -> float:
        return self.gateway.p95_us - self.direct.p95_us

    @property
    def overhead_p99_us(self) -> float:
        return self.gateway.p99_us - self.direct.p99_us


@dataclass(frozen=True)
class ThroughputComparison:
    """Closed-loop runs alternating A B A B ...: each side's request rates, in run order. The
    ratio is the median of each pair's B / A: a burst of another process on the machine during
    one run moves one pair's ratio, not the verdict, and a slow drift cancels within a pair."""

    request: str
    generator: str
    connections: int
    seconds: int
    direct_rps: tuple[float, ...]
    gateway_rps: tuple[float, ...]

    @property
    def direct_median(self) -> float:
        return statistics.median(self.direct_rps) if self.direct_rps else 0.0

    @property
    def gateway_median(self) -> float:
        return statistics.median(self.gateway_rps) if self.gateway_rps else 0.0

    @property
    def pair_ratios(self) -> tuple[float, ...]:
        return tuple(
            b / a if a else 0.0 for a, b in zip(self.direct_rps, self.gateway_rps, strict=True)
        )

    @property
    def ratio(self) -> float:
        return statistics.median(self.pair_ratios) if self.pair_ratios else 0.0


@dataclass(frozen=True)
class MixSide:
    """The Locust mix's aggregated figures on one side."""

    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float


@dataclass(frozen=True)
class MixComparison:
    users: int
    seconds: int
    direct: MixSide
    gateway: MixSide

    @property
    def ratio(self) -> float:
        return self.gateway.rps / self.direct.rps if self.direct.rps else 0.0


@dataclass(frozen=True)
class CpuCost:
    """The gateway process's CPU time over some runs and the requests it served in them."""

    cpu_seconds: float
    requests: int

    @property
    def per_request_us(self) -> float:
        return self.cpu_seconds * 1e6 / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class GatewayReport:
    profile: str  # the cargo profile the measured gateway binary was built with
    binary: str
    seed: str
    generator_note: str
    rounds: int  # sequential samples per side and request, after the warm-up
    warmup: int
    latency: tuple[LatencyComparison, ...]
    throughput: ThroughputComparison
    mix: MixComparison
    cpu_throughput: CpuCost
    cpu_mix: CpuCost
    cold_start_ms: tuple[float, ...]
    measured_at: str = ""  # UTC, ISO 8601
    load_average: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load, start and end

    @property
    def cold_start_median_ms(self) -> float:
        return statistics.median(self.cold_start_ms) if self.cold_start_ms else 0.0

    @property
    def worst_overhead_p50_us(self) -> float:
        return max((c.overhead_p50_us for c in self.latency), default=0.0)

    @property
    def p50_verdict(self) -> str:
        return "meets" if self.worst_overhead_p50_us <= P50_GOAL_US else "misses"

    @property
    def throughput_verdict(self) -> str:
        return "meets" if self.throughput.ratio >= THROUGHPUT_GOAL else "misses"

    def render(self) -> str:
        lines = [
            f"api-gateway side by side: one stack (seed {self.seed}), direct (A) and through "
            f"the gateway (B); gateway built with the {self.profile} profile ({self.binary})",
            f"measured {self.measured_at or 'now'}; the machine's 1-minute load average "
            f"{self.load_average[0]:.1f} at the start, {self.load_average[1]:.1f} at the end",
            "",
            f"unloaded latency: sequential requests, one keep-alive connection per side, "
            f"A B B A interleaved, {self.rounds} per side after {self.warmup} warm-up",
        ]
        rows: list[tuple[str, ...]] = [("request", "side", "n", "p50 us", "p95 us", "p99 us")]
        for c in self.latency:
            for side, lat in ((DIRECT, c.direct), (THROUGH, c.gateway)):
                name = c.request if side == DIRECT else ""
                rows.append(
                    (
                        name,
                        side,
                        str(lat.samples),
                        f"{lat.p50_us:.0f}",
                        f"{lat.p95_us:.0f}",
                        f"{lat.p99_us:.0f}",
                    )
                )
            rows.append(
                (
                    "",
                    "added",
                    "",
                    f"{c.overhead_p50_us:+.0f}",
                    f"{c.overhead_p95_us:+.0f}",
                    f"{c.overhead_p99_us:+.0f}",
                )
            )
        lines += _aligned(rows, numeric_from=2)
        t = self.throughput
        lines += [
            "",
            f"closed-loop throughput: {t.request}, {t.connections} connections, {t.seconds} s "
            f"per run, A B alternating; generator {t.generator} ({self.generator_note})",
        ]
        rows = [("side", "runs req/s", "median req/s")]
        for side, runs, middle in (
            (DIRECT, t.direct_rps, t.direct_median),
            (THROUGH, t.gateway_rps, t.gateway_median),
        ):
            rows.append((side, " ".join(f"{r:.1f}" for r in runs), f"{middle:.1f}"))
        lines += _aligned(rows, numeric_from=2)
        pairs = " ".join(f"{r:.2f}" for r in t.pair_ratios)
        lines.append(f"  ratio gateway/direct {t.ratio:.2f}x (median of the pairs: {pairs})")
        m = self.mix
        lines += [
            "",
            f"Locust mix (load/locustfile.py): {m.users} users, {m.seconds} s each side, "
            "direct first",
        ]
        rows = [("side", "requests", "failures", "req/s", "p50 ms", "p95 ms")]
        for side, s in ((DIRECT, m.direct), (THROUGH, m.gateway)):
            rows.append(
                (
                    side,
                    str(s.requests),
                    str(s.failures),
                    f"{s.rps:.1f}",
                    f"{s.p50_ms:g}",
                    f"{s.p95_ms:g}",
                )
            )
        lines += _aligned(rows, numeric_from=1)
        lines.append(f"  ratio gateway/direct {m.ratio:.2f}x")
        cold = ", ".join(f"{ms:.1f}" for ms in self.cold_start_ms)
        lines += [
            "",
            f"gateway CPU per request (utime+stime of its process): "
            f"{self.cpu_throughput.per_request_us:.0f} us in the closed-loop runs "
            f"({self.cpu_throughput.cpu_seconds:.2f} s over {self.cpu_throughput.requests} "
            f"requests), {self.cpu_mix.per_request_us:.0f} us in the Locust mix "
            f"({self.cpu_mix.cpu_seconds:.2f} s over {self.cpu_mix.requests} requests)",
            f"gateway cold start (spawn to first /health 200): median "
            f"{self.cold_start_median_ms:.1f} ms of {len(self.cold_start_ms)} ({cold})",
            "",
            f"goals (issue 20), {self.profile} profile, one run (report only):",
            f"  added latency at p50 <= {P50_GOAL_US / 1000:g} ms: "
            + ", ".join(f"{c.request} {c.overhead_p50_us / 1000:+.3f} ms" for c in self.latency)
            + f" -> {self.p50_verdict}",
            f"  throughput >= {THROUGHPUT_GOAL:g}x direct: {t.ratio:.2f}x -> "
            f"{self.throughput_verdict}",
        ]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["latency"] = [
            {
                **asdict(c),
                "overhead_p50_us": c.overhead_p50_us,
                "overhead_p95_us": c.overhead_p95_us,
                "overhead_p99_us": c.overhead_p99_us,
            }
            for c in self.latency
        ]
        data["throughput"] = {
            **asdict(self.throughput),
            "direct_median": self.throughput.direct_median,
            "gateway_median": self.throughput.gateway_median,
            "pair_ratios": self.throughput.pair_ratios,
            "ratio": self.throughput.ratio,
        }
        data["mix"] = {**asdict(self.mix), "ratio": self.mix.ratio}
        for key, cost in (("cpu_throughput", self.cpu_throughput), ("cpu_mix", self.cpu_mix)):
            data[key] = {**asdict(cost), "per_request_us": cost.per_request_us}
        data["cold_start_median_ms"] = self.cold_start_median_ms
        data["goals"] = {
            "p50_added_us_max": P50_GOAL_US,
            "p50": self.p50_verdict,
            "throughput_ratio_min": THROUGHPUT_GOAL,
            "throughput": self.throughput_verdict,
        }
        return data


def _aligned(rows: Sequence[Sequence[str]], numeric_from: int) -> list[str]:
    """Rows as indented columns: text left-aligned, columns from ``numeric_from`` right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.rjust(width) if i >= numeric_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
