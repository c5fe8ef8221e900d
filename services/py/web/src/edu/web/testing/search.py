"""FakeSearchClient: search over the fake course service's published courses, answered as
search answers (hits with highlights, facets that ignore their own filter)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import SearchFacets, SearchHit, SearchResults, TeacherCourse
from edu.web.testing.course import FakeCourseClient
from edu.web.testing.switch import Switchable

LEVELS = ("beginner", "intermediate", "advanced")
_TAG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class FakeSearchClient(Switchable):
    courses: FakeCourseClient
    name: str = "search"
    # (text, level, tag, limit, offset) of every search asked
    searches: list[tuple[str | None, str | None, str | None, int, int]] = field(
        default_factory=list
    )

    async def search(
        self,
        text: str | None,
        *,
        level: str | None = None,
        tag: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> SearchResults:
        self.answer()
        self.searches.append((text, level, tag, limit, offset))
        if level and level not in LEVELS:
            raise _invalid("level", f"one of {', '.join(LEVELS)}")
        if tag and not _TAG.match(tag):
            raise _invalid("tag", "a tag: lower-case letters and digits joined by '-'")
        words = (text or "").lower().split()
        matching = [c for c in self.courses.published() if _matches(c, words)]
        at_level = [c for c in matching if not level or c.level == level]
        tagged = [c for c in matching if not tag or tag in c.tags]
        found = [c for c in at_level if c in tagged]
        facets = SearchFacets(
            level=dict(Counter(c.level for c in tagged)),
            tag=dict(Counter(t for c in at_level for t in c.tags)),
        )
        hits = tuple(_hit(c, words) for c in found[offset : offset + limit])
        return SearchResults(hits=hits, total=len(found), limit=limit, offset=offset, facets=facets)


def _invalid(parameter: str, message: str) -> ProblemError:
    return ProblemError(
        422,
        "Unprocessable Content",
        "The search parameters have invalid values.",
        {parameter: (message,)},
    )


def _matches(course: TeacherCourse, words: list[str]) -> bool:
    text = f"{course.title} {course.summary} {' '.join(course.tags)}".lower()
    return all(word in text for word in words)


def _hit(course: TeacherCourse, words: list[str]) -> SearchHit:
    highlights = {}
    for name, text in (("title", course.title), ("summary", course.summary)):
        marked = _marked(text, words)
        if marked != text:
            highlights[name] = marked
    return SearchHit(
        course_id=course.id,
        title=course.title,
        level=course.level,
        tags=course.tags,
        highlights=highlights,
    )


def _marked(text: str, words: list[str]) -> str:
    """Words of ``text`` that a searched word starts, in ``<b>`` (the rest as search escapes
    it: ``&`` and ``<`` as entities)."""
    out = []
    for part in re.split(r"(\W+)", text):
        escaped = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        hit = part and any(part.lower().startswith(word) for word in words)
        out.append(f"<b>{escaped}</b>" if hit else escaped)
    return "".join(out)
