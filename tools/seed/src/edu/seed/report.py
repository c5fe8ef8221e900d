"""What a seed run did: per kind of thing, how many it made now and how many already existed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Tally:
    created: int = 0
    existing: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1

    @property
    def total(self) -> int:
        return self.created + self.existing


@dataclass
class SeedReport:
    size: str
    teachers: Tally = field(default_factory=Tally)
    students: Tally = field(default_factory=Tally)
    courses: Tally = field(default_factory=Tally)
    lessons: Tally = field(default_factory=Tally)
    published: Tally = field(default_factory=Tally)
    enrollments: Tally = field(default_factory=Tally)
    completions: Tally = field(default_factory=Tally)
    certificates: Tally = field(default_factory=Tally)
    learning_events: Tally = field(default_factory=Tally)
    # Why no learning events were seeded (no analytics database), or None when they were.
    learning_skipped: str | None = None

    def rows(self) -> list[tuple[str, Tally]]:
        """Each tally under the name the table prints (its prose keeps "enrolments")."""
        return [
            ("teachers", self.teachers),
            ("students", self.students),
            ("courses", self.courses),
            ("lessons", self.lessons),
            ("published", self.published),
            ("enrolments", self.enrollments),
            ("completions", self.completions),
            ("certificates", self.certificates),
            ("learning events", self.learning_events),
        ]

    def render(self) -> str:
        lines = [f"{'seed ' + self.size:<15} {'created':>8} {'existing':>9} {'total':>9}"]
        lines += [f"{n:<15} {t.created:>8} {t.existing:>9} {t.total:>9}" for n, t in self.rows()]
        if self.learning_skipped:
            lines.append(f"learning events skipped: {self.learning_skipped}")
        return "\n".join(lines)

    @property
    def created_anything(self) -> bool:
        return any(tally.created for _, tally in self.rows())


async def in_parallel(limit: int, items: Iterable[T], work: Callable[[T], Awaitable[R]]) -> list[R]:
    """``work`` on every item, at most ``limit`` at once (the connection pools' size), in order."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with gate:
            return await work(item)

    return await asyncio.gather(*(one(item) for item in items))
