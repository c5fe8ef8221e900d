"""The relevance metrics, as pure functions of a ranked list and the judgments.

A ranked list is the backend's answer, best first, as stable course keys (titles); the grades
map a key to its judged relevance 0-3, and a key the judgments do not name counts as 0.

- DCG@k sums ``(2**grade - 1) / log2(rank + 1)`` over the first k results (ranks from 1).
- nDCG@k divides it by the ideal DCG@k: the same sum over the judged grades sorted best first,
  taken from the judgments, not from what the backend returned (a backend that finds only
  one of five relevant courses is not ideal just because it ranks that one first).
- The reciprocal rank is 1 / the rank of the first result graded >= 2 within the first k, or
  0 when none is; MRR is its mean over queries.

A query nobody could answer (no grade above 0) has no ideal DCG: its nDCG is None, and the
evaluation reports those queries apart instead of counting them as 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

K = 10
RELEVANT = 2  # the grade from which a result answers the query, for the reciprocal rank


def gain(grade: int) -> float:
    """Graded gain: 0, 1, 3, 7 for grades 0-3, so a perfect match outweighs two partial ones."""
    return float(2**grade - 1)


def dcg(grades: Sequence[int], k: int = K) -> float:
    """Discounted cumulative gain of grades in ranked order (rank 1 first), cut at k."""
    return sum(gain(g) / math.log2(rank + 1) for rank, g in enumerate(grades[:k], start=1))


def ideal_dcg(judged: Mapping[str, int], k: int = K) -> float:
    """The best DCG@k any ranking could reach with the judged courses."""
    return dcg(sorted(judged.values(), reverse=True), k)


def ndcg(ranked: Sequence[str], judged: Mapping[str, int], k: int = K) -> float | None:
    """nDCG@k of ``ranked`` against the judgments; None when nothing is judged relevant."""
    best = ideal_dcg(judged, k)
    if best == 0:
        return None
    return dcg([judged.get(key, 0) for key in ranked], k) / best


def reciprocal_rank(
    ranked: Sequence[str], judged: Mapping[str, int], k: int = K, relevant: int = RELEVANT
) -> float:
    """1 / rank of the first result graded >= ``relevant`` in the first k; 0 if there is none."""
    for rank, key in enumerate(ranked[:k], start=1):
        if judged.get(key, 0) >= relevant:
            return 1.0 / rank
    return 0.0


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, None for no values (a category without answerable queries)."""
    return sum(values) / len(values) if values else None
