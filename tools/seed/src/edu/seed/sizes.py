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

    @property
    def teachers(self) -> int:
        return -(-self.courses // COURSES_PER_TEACHER)


SIZES: dict[str, SeedSize] = {
    "S": SeedSize("S", courses=20, students=200),
    "M": SeedSize("M", courses=200, students=2_000),
    "L": SeedSize("L", courses=500, students=10_000),
}


def size_named(name: str) -> SeedSize:
    try:
        return SIZES[name.upper()]
    except KeyError:
        raise ValueError(f"unknown seed size {name!r}; use one of {', '.join(SIZES)}") from None
