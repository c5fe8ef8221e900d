"""Locust's CSV output (``--csv PREFIX``): the per-endpoint totals and the per-second history,
and the response-time histograms load/scenarios/evidence.py writes beside them."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

AGGREGATED = "Aggregated"
HISTOGRAMS = "_response_times.json"


@dataclass(frozen=True)
class EndpointStats:
    """One row of ``<prefix>_stats.csv``; ``name`` is "<METHOD> <request name>"."""

    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    # response time (ms) -> count: the samples behind the percentiles; empty when unknown
    response_times: dict[float, int] = field(default_factory=dict, compare=False)

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


@dataclass(frozen=True)
class RunStats:
    endpoints: dict[str, EndpointStats]
    total: EndpointStats


@dataclass(frozen=True)
class HistoryRow:
    """One second of ``<prefix>_stats_history.csv`` (percentiles over Locust's recent window)."""

    timestamp: int
    users: int
    name: str
    rps: float
    failures_per_s: float
    p95_ms: float
    total_requests: int
    total_failures: int


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def read_stats(prefix: Path) -> RunStats:
    path = Path(f"{prefix}_stats.csv")
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: did Locust run with --csv {prefix}?")
    endpoints: dict[str, EndpointStats] = {}
    total = None
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            name = AGGREGATED if row["Name"] == AGGREGATED else f"{row['Type']} {row['Name']}"
            stats = EndpointStats(
                name=name,
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                rps=_number(row["Requests/s"]),
                p50_ms=_number(row["50%"]),
                p95_ms=_number(row["95%"]),
                p99_ms=_number(row["99%"]),
            )
            if name == AGGREGATED:
                total = stats
            else:
                endpoints[name] = stats
    if total is None:
        raise ValueError(f"{path} has no Aggregated row")
    histograms = read_histograms(prefix)
    for name, histogram in histograms.items():
        if name in endpoints:
            endpoints[name] = replace(endpoints[name], response_times=histogram)
    return RunStats(endpoints, total)


def read_histograms(prefix: Path) -> dict[str, dict[float, int]]:
    """Per endpoint, its response times (ms) -> count; {} for a run that left no histograms
    (a Locust run without load/scenarios/evidence.py)."""
    path = Path(f"{prefix}{HISTOGRAMS}")
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        return {
            name: {float(ms): int(count) for ms, count in seen["response_times_ms"].items()}
            for name, seen in data["endpoints"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path} is not a response-time histogram file: {exc}") from None


def read_history(prefix: Path) -> list[HistoryRow]:
    path = Path(f"{prefix}_stats_history.csv")
    with path.open(newline="") as fh:
        return [
            HistoryRow(
                timestamp=int(row["Timestamp"]),
                users=int(row["User Count"]),
                name=row["Name"] if row["Name"] == AGGREGATED else f"{row['Type']} {row['Name']}",
                rps=_number(row["Requests/s"]),
                failures_per_s=_number(row["Failures/s"]),
                p95_ms=_number(row["95%"]),
                total_requests=int(row["Total Request Count"]),
                total_failures=int(row["Total Failure Count"]),
            )
            for row in csv.DictReader(fh)
        ]
