"""Median and spread of a handful of timings (no confidence claims from three samples)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    runs: int
    median: float
    low: float
    high: float

    @property
    def spread(self) -> float:
        """max - min: with 1-3 samples the honest measure of how much they disagree."""
        return self.high - self.low

    def cell(self) -> str:
        if self.runs == 0:
            return "—"
        if self.runs == 1:
            return f"{self.median:.1f} (1 run)"
        return f"{self.median:.1f} [{self.low:.1f}-{self.high:.1f}] n={self.runs}"


def summarize(samples: list[float]) -> Summary:
    if not samples:
        return Summary(0, 0.0, 0.0, 0.0)
    return Summary(len(samples), statistics.median(samples), min(samples), max(samples))


def parse_loadavg(text: str) -> tuple[float, float, float]:
    """The 1/5/15-minute load averages from /proc/loadavg."""
    one, five, fifteen = text.split()[:3]
    return float(one), float(five), float(fifteen)
