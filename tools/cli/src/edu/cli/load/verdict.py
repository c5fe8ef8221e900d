"""A run's statistics held against the SLOs: one verdict per endpoint, the throughput floor,
and the table `edu load` prints (endpoint x requests / p50 / p95 / p99 / failures, SLO beside).

Percentiles are judged on evidence (edu.common.percentiles): a breach fails the run only when
the 99 % lower confidence bound of the percentile is over its limit; with too few samples the
row says "not enough samples (n=4, needs 20)" and fails nothing; a percentile another profile
judges (slo.toml [judged_by]) is shown, with who judges it. Failures, an endpoint never called
and the throughput floor fail as they are: one failed request is a fact, not an estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edu.cli.load.locust_csv import EndpointStats, RunStats
from edu.cli.load.slo import PERCENTILES, EndpointSlo, SloBook
from edu.common.percentiles import Evidence, PercentileVerdict, judge_percentile


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
    # what the reader should know that fails nothing: too few samples, not significant, elsewhere
    notes: tuple[str, ...] = ()
    percentiles: tuple[PercentileVerdict, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.breaches

    @property
    def insufficient(self) -> bool:
        return any(p.evidence is Evidence.INSUFFICIENT for p in self.percentiles)


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


WEBSOCKET = "WS "


def judge(
    stats: RunStats, book: SloBook, profile: str, calls: Callable[[str], bool] | None = None
) -> SloReport:
    """Every endpoint the run called, and every SLO'd one it had to call (``calls``: which
    those are; default all) held to its SLO."""
    expected = {name for name in book.endpoints if calls is None or calls(name)}
    names = sorted(set(stats.endpoints) | expected)
    verdicts = []
    for name in names:
        slo = book.for_endpoint(name)
        seen = stats.endpoints.get(name)
        if seen is None or seen.requests == 0:
            verdicts.append(Verdict(name, slo, 0, 0, 0, 0, 0, 0, ("never called",)))
            continue
        verdicts.append(_judge_endpoint(name, slo, seen, book, profile))
    # The throughput floor counts HTTP requests: a WebSocket's messages (request type WS, load/
    # scenarios/qa.py) are not requests, and one post read by 40 sockets is 40 of them.
    messages = sum(s.rps for name, s in stats.endpoints.items() if name.startswith(WEBSOCKET))
    return SloReport(tuple(verdicts), stats.total.rps - messages, book.min_rps(profile))


def _judge_endpoint(
    name: str, slo: EndpointSlo, seen: EndpointStats, book: SloBook, profile: str
) -> Verdict:
    breaches: list[str] = []
    notes: list[str] = []
    judged: list[PercentileVerdict] = []
    for field_name, quantile in PERCENTILES.items():
        label = field_name.removesuffix("_ms")
        if not book.judges(profile, name, field_name):
            elsewhere = book.judges_elsewhere(profile, name, field_name)
            notes.append(f"{label} judged by {', '.join(elsewhere) or 'no profile'}")
            continue
        if not seen.response_times:
            breaches.append(f"{label}: no response-time histogram to judge it on")
            continue
        verdict = judge_percentile(seen.response_times, quantile, getattr(slo, field_name))
        judged.append(verdict)
        if verdict.evidence is Evidence.BREACHED:
            breaches.append(verdict.describe())
        elif verdict.evidence is not Evidence.MET:
            notes.append(verdict.describe())
    if seen.failure_ratio > slo.max_failure_ratio:
        breaches.append(f"failures {seen.failure_ratio:.2%} > {slo.max_failure_ratio:.2%}")
    return Verdict(
        name,
        slo,
        seen.requests,
        seen.failures,
        seen.rps,
        seen.p50_ms,
        seen.p95_ms,
        seen.p99_ms,
        tuple(breaches),
        tuple(notes),
        tuple(judged),
    )


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
        rows.append(
            (
                v.endpoint,
                str(v.requests),
                f"{v.rps:.1f}",
                f"{v.failures} ({v.slo.max_failure_ratio:.0%})",
                f"{v.p50_ms:g}",
                f"{v.p95_ms:g} ({v.slo.p95_ms:g})",
                f"{v.p99_ms:g} ({v.slo.p99_ms:g})",
                _verdict_cell(v),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    floor = f"{report.min_rps:g}" if report.min_rps is not None else "none"
    mark = "ok" if report.throughput_ok else "BREACH"
    lines.append(f"throughput: {report.total_rps:.1f} req/s (floor {floor}): {mark}")
    lines.append(
        "percentiles: a breach needs the 99 % lower confidence bound over the limit; "
        "p95 needs 20 samples, p99 100"
    )
    lines.append("SLOs met" if report.ok else "SLOs BREACHED")
    return "\n".join(lines)


def _verdict_cell(verdict: Verdict) -> str:
    if not verdict.ok:
        return "BREACH: " + "; ".join(verdict.breaches)
    return "; ".join(("ok", *verdict.notes))
