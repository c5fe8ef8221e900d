"""Locust's CSV output (``--csv PREFIX``): the per-endpoint totals and the per-second history."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

AGGREGATED = "Aggregated"


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
    return RunStats(endpoints, total)


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
