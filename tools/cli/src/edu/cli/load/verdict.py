"""A run's statistics held against the SLOs: one verdict per endpoint, the throughput floor,
and the table `edu load` prints (endpoint x p50 / p95 / p99 / req/s / failures, SLO beside)."""

from __future__ import annotations

from dataclasses import dataclass

from edu.cli.load.locust_csv import RunStats
from edu.cli.load.slo import EndpointSlo, SloBook


@dataclass(frozen=True)
class Verdict:
    endpoint: str
    slo: EndpointSlo
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    breaches: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.breaches


@dataclass(frozen=True)
class SloReport:
    verdicts: tuple[Verdict, ...]
    total_rps: float
    min_rps: float | None

    @property
    def throughput_ok(self) -> bool:
        return self.min_rps is None or self.total_rps >= self.min_rps

    @property
    def ok(self) -> bool:
        return self.throughput_ok and all(v.ok for v in self.verdicts)


def judge(stats: RunStats, book: SloBook, profile: str) -> SloReport:
    names = sorted(set(stats.endpoints) | set(book.endpoints))
    verdicts = []
    for name in names:
        slo = book.for_endpoint(name)
        seen = stats.endpoints.get(name)
        if seen is None or seen.requests == 0:
            verdicts.append(Verdict(name, slo, 0, 0, 0, 0, 0, 0, ("never called",)))
            continue
        breaches = []
        if seen.p95_ms > slo.p95_ms:
            breaches.append(f"p95 {seen.p95_ms:g} > {slo.p95_ms:g} ms")
        if seen.p99_ms > slo.p99_ms:
            breaches.append(f"p99 {seen.p99_ms:g} > {slo.p99_ms:g} ms")
        if seen.failure_ratio > slo.max_failure_ratio:
            breaches.append(f"failures {seen.failure_ratio:.2%} > {slo.max_failure_ratio:.2%}")
        verdicts.append(
            Verdict(name, slo, seen.requests, seen.failures, seen.rps, seen.p50_ms,
                    seen.p95_ms, seen.p99_ms, tuple(breaches))
        )  # fmt: skip
    return SloReport(tuple(verdicts), stats.total.rps, book.min_rps(profile))


def render(report: SloReport) -> str:
    header = (
        "endpoint",
        "requests",
        "req/s",
        "failures",
        "p50",
        "p95 (slo)",
        "p99 (slo)",
        "verdict",
    )
    rows = [header]
    for v in report.verdicts:
        rows.append((
            v.endpoint, str(v.requests), f"{v.rps:.1f}", f"{v.failures} ({v.slo.max_failure_ratio:.0%})",
            f"{v.p50_ms:g}", f"{v.p95_ms:g} ({v.slo.p95_ms:g})", f"{v.p99_ms:g} ({v.slo.p99_ms:g})",
            "ok" if v.ok else "BREACH: " + "; ".join(v.breaches),
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    floor = f"{report.min_rps:g}" if report.min_rps is not None else "none"
    mark = "ok" if report.throughput_ok else "BREACH"
    lines.append(f"throughput: {report.total_rps:.1f} req/s (floor {floor}): {mark}")
    lines.append("SLOs met" if report.ok else "SLOs BREACHED")
    return "\n".join(lines)
