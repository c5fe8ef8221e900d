"""How much data each seed size makes.

Every count derives from fixed per-entity rules (five courses per teacher, course ``n`` belongs
to teacher ``n // 5``), so a smaller size is a prefix of a larger one: seeding M after S adds to
S's accounts and courses instead of making a second, different set.
"""

from __future__ import annotations

from dataclasses import dataclass

COURSES_PER_TEACHER = 5


@dataclass(frozen=True)
class SeedSize:
    name: str
    courses: int
    students: int
    # Every n-th student has learning-event history (edu.seed.learning). The aggregator's use
    # case folds ~400-1,000 events/s here (one transaction each), so: a tenth of S's students
    # (~430 events, < 1 s: the load stack seeds S), half of M's (~40,000), a fifth of L's
    # (~83,000; all of them would be ~405,000).
    history_every: int = 1

    @property
    def teachers(self) -> int:
        return -(-self.courses // COURSES_PER_TEACHER)


SIZES: dict[str, SeedSize] = {
    "S": SeedSize("S", courses=20, students=200, history_every=10),
    "M": SeedSize("M", courses=200, students=2_000, history_every=2),
    "L": SeedSize("L", courses=500, students=10_000, history_every=5),
}


def size_named(name: str) -> SeedSize:
    try:
        return SIZES[name.upper()]
    except KeyError:
        raise ValueError(f"unknown seed size {name!r}; use one of {', '.join(SIZES)}") from None
