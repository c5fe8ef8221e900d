"""Percentile objectives judged on evidence, not on a handful of samples.

A sample's p95 is a noisy estimate: with 4 requests it is the slowest of the 4, and one slow
request "breaches" any objective. The verdicts here use the order-statistic confidence bounds
of a quantile, which need no assumption about the latency distribution:

- the k-th smallest of n samples is a lower bound for the true q-quantile with confidence
  P(Binomial(n, q) >= k); the bound used is the largest such order statistic that keeps the
  chosen confidence (99 % by default). An objective is **breached** only when that lower bound
  is above the limit: the data show, with that confidence, that the true percentile is.
- symmetrically, the k-th smallest is an upper bound with confidence P(Binomial(n, q) <= k - 1)
  (used to compare a percentile before and after a fault).
- below ``min_samples(q)`` samples (20 for p95, 100 for p99) the sample percentile is the
  slowest request seen: it is reported as **insufficient** evidence, neither met nor breached,
  unless the lower bound already proves a breach (an impossible objective still fails).

Samples come as a histogram (value -> count) so that Locust's aggregated response times and a
plain list of durations (``Counter(values)``) are judged the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

CONFIDENCE = 0.99


class Evidence(StrEnum):
    MET = "met"
    BREACHED = "breached"
    NOT_SIGNIFICANT = "not-significant"  # the sample percentile is over, the bound is not
    INSUFFICIENT = "insufficient"  # too few samples to tell the percentile from the maximum


@dataclass(frozen=True)
class PercentileVerdict:
    quantile: float
    limit: float
    samples: int
    observed: float | None
    lower_bound: float | None
    evidence: Evidence

    @property
    def ok(self) -> bool:
        """Only a proven breach fails; insufficient evidence is shown, never failed on."""
        return self.evidence is not Evidence.BREACHED

    @property
    def label(self) -> str:
        """p95, p99, p99.9."""
        return f"p{self.quantile * 100:g}"

    def describe(self) -> str:
        if self.evidence is Evidence.BREACHED:
            return (
                f"{self.label} {self.observed:g} > {self.limit:g} ms "
                f"(>= {self.lower_bound:g} with {CONFIDENCE:.0%} confidence, n={self.samples})"
            )
        if self.evidence is Evidence.INSUFFICIENT:
            return (
                f"{self.label}: not enough samples (n={self.samples}, "
                f"needs {min_samples(self.quantile)})"
            )
        if self.evidence is Evidence.NOT_SIGNIFICANT:
            return (
                f"{self.label} {self.observed:g} > {self.limit:g} ms, not significant "
                f"(lower bound {_show(self.lower_bound)}, n={self.samples})"
            )
        return f"{self.label} {self.observed:g} <= {self.limit:g} ms"


def min_samples(quantile: float) -> int:
    """The fewest samples whose nearest-rank ``quantile`` is not simply the largest one."""
    _check_quantile(quantile)
    return math.ceil(round(1 / (1 - quantile), 9))


def binomial_at_least(n: int, k: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (n may be in the hundreds of
    thousands)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    # Terms more than 40 standard deviations from the mean are below e^-800: leave them out.
    spread = 40 * math.sqrt(n * p * (1 - p)) + 10
    first, last = max(k, math.floor(n * p - spread)), min(n, math.ceil(n * p + spread))
    if first > last:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    log_terms = [
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * log_p
        + (n - i) * log_q
        for i in range(first, last + 1)
    ]
    top = max(log_terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in log_terms))


def lower_rank(n: int, quantile: float, confidence: float = CONFIDENCE) -> int | None:
    """The largest k with P(Binomial(n, q) >= k) >= confidence (None: no order statistic of n
    samples bounds the quantile from below with that confidence)."""
    _check_quantile(quantile)
    # P(Bin >= k) falls as k grows: search down from the top for the first rank that holds.
    low, high = 1, n
    if n == 0 or binomial_at_least(n, 1, quantile) < confidence:
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if binomial_at_least(n, middle, quantile) >= confidence:
            low = middle
        else:
            high = middle - 1
    return low


def upper_rank(n: int, quantile: float, confidence: float = CONFIDENCE) -> int | None:
    """The smallest k with P(Binomial(n, q) <= k - 1) >= confidence (None: the largest of n
    samples is no upper bound with that confidence)."""
    _check_quantile(quantile)
    if n == 0 or 1 - binomial_at_least(n, n, quantile) < confidence:
        return None
    low, high = 1, n
    while low < high:
        middle = (low + high) // 2
        if 1 - binomial_at_least(n, middle, quantile) >= confidence:
            high = middle
        else:
            low = middle + 1
    return low


def order_statistic(histogram: Mapping[float, int], rank: int) -> float:
    """The ``rank``-th smallest sample (1-based) of a value -> count histogram."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} is beyond the {seen} samples")


def nearest_rank(histogram: Mapping[float, int], quantile: float) -> float | None:
    """The nearest-rank sample percentile; None without samples."""
    n = sum(histogram.values())
    if not n:
        return None
    # q * n in integer-safe form: 0.95 * 100 is 94.99999999999999 in floats
    return order_statistic(histogram, max(1, math.ceil(round(quantile * n, 9))))


def lower_bound(
    histogram: Mapping[float, int], quantile: float, confidence: float = CONFIDENCE
) -> float | None:
    """A value the true ``quantile`` is at or above with ``confidence`` (None: too few)."""
    rank = lower_rank(sum(histogram.values()), quantile, confidence)
    return None if rank is None else order_statistic(histogram, rank)


def upper_bound(
    histogram: Mapping[float, int], quantile: float, confidence: float = CONFIDENCE
) -> float | None:
    """A value the true ``quantile`` is at or below with ``confidence`` (None: too few)."""
    rank = upper_rank(sum(histogram.values()), quantile, confidence)
    return None if rank is None else order_statistic(histogram, rank)


def proven_ratio_breach(
    before: Mapping[float, int], after: Mapping[float, int], quantile: float, max_ratio: float
) -> bool | None:
    """Is the ``quantile`` after more than ``max_ratio`` times the one before, beyond doubt?
    Each side is bounded at sqrt(CONFIDENCE) so that both hold together with CONFIDENCE: the
    lower bound after against the upper bound before. None: too few samples before for an
    upper bound (below ~100 for a p95), so no breach can be proven either way."""
    each = math.sqrt(CONFIDENCE)
    after_low = lower_bound(after, quantile, each)
    before_high = upper_bound(before, quantile, each)
    if before_high is None:
        return None
    return after_low is not None and after_low > max_ratio * before_high


def judge_percentile(
    histogram: Mapping[float, int], quantile: float, limit: float
) -> PercentileVerdict:
    """Is the ``quantile`` of these samples within ``limit``, on the evidence?"""
    _check_quantile(quantile)
    n = sum(histogram.values())
    observed = nearest_rank(histogram, quantile)
    bound = lower_bound(histogram, quantile)
    if bound is not None and bound > limit:
        evidence = Evidence.BREACHED
    elif n < min_samples(quantile):
        evidence = Evidence.INSUFFICIENT
    elif observed is not None and observed > limit:
        evidence = Evidence.NOT_SIGNIFICANT
    else:
        evidence = Evidence.MET
    return PercentileVerdict(quantile, limit, n, observed, bound, evidence)


def histogram_of(values: Iterable[float]) -> dict[float, int]:
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _check_quantile(quantile: float) -> None:
    if not 0 < quantile < 1:
        raise ValueError(f"a quantile is a fraction between 0 and 1, not {quantile}")


def _show(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"
