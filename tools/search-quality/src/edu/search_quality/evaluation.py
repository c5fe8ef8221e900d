"""One backend over the judged query set: per-query rows and the summary by category."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from edu.search_quality.judgments import CATEGORIES, JudgedQuery
from edu.search_quality.metrics import K, mean, ndcg, reciprocal_rank

# (query text, limit) -> the stable keys (titles) of the courses returned, best first; a
# returned id the catalogue does not know is kept as "?<id>" (graded 0, counted as unknown).
RankedSearch = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class QueryRow:
    query: JudgedQuery
    ranked: tuple[str, ...]  # the first K results' keys
    ndcg: float | None  # None: no course is relevant (a no-answer query)
    reciprocal_rank: float | None  # None likewise

    @property
    def grades(self) -> tuple[int, ...]:
        return tuple(self.query.grades.get(key, 0) for key in self.ranked)

    @property
    def unknown(self) -> int:
        return sum(1 for key in self.ranked if key.startswith("?"))


@dataclass(frozen=True)
class Figures:
    """nDCG@10 and MRR over a group's answerable queries; how quiet its no-answer queries were."""

    queries: int
    answerable: int
    ndcg: float | None
    mrr: float | None
    # No-answer queries: how many returned nothing at all, and results returned on average.
    silent: int
    no_answer: int
    returned_for_no_answer: float | None


@dataclass(frozen=True)
class Evaluation:
    rows: tuple[QueryRow, ...]
    overall: Figures
    by_category: Mapping[str, Figures]


def evaluate(queries: Sequence[JudgedQuery], search: RankedSearch, k: int = K) -> Evaluation:
    rows = tuple(_row(query, search(query.text, k)[:k], k) for query in queries)
    by_category = {
        category: figures([r for r in rows if r.query.category == category])
        for category in CATEGORIES
        if any(r.query.category == category for r in rows)
    }
    return Evaluation(rows, figures(list(rows)), by_category)


def _row(query: JudgedQuery, ranked: list[str], k: int) -> QueryRow:
    if not query.answerable:
        return QueryRow(query, tuple(ranked), None, None)
    return QueryRow(
        query,
        tuple(ranked),
        ndcg(ranked, query.grades, k),
        reciprocal_rank(ranked, query.grades, k),
    )


def figures(rows: Sequence[QueryRow]) -> Figures:
    answered = [r for r in rows if r.ndcg is not None]
    unanswerable = [r for r in rows if r.ndcg is None]
    return Figures(
        queries=len(rows),
        answerable=len(answered),
        ndcg=mean([r.ndcg for r in answered if r.ndcg is not None]),
        mrr=mean([r.reciprocal_rank for r in answered if r.reciprocal_rank is not None]),
        silent=sum(1 for r in unanswerable if not r.ranked),
        no_answer=len(unanswerable),
        returned_for_no_answer=mean([float(len(r.ranked)) for r in unanswerable]),
    )
