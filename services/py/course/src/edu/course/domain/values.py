"""What a teacher writes about a course and a lesson, validated once, here.

The HTTP schemas repeat these limits for OpenAPI, but these classes are the rule: every caller
(routes, seeding, tests) goes through them, so a course can never hold an invalid value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from edu.common.problems import FieldProblem, InvalidInput

TITLE_MAX = 200
SUMMARY_MAX = 2_000
BODY_MAX = 100_000
URL_MAX = 2_000
TAG_MAX = 32
TAGS_MAX = 10
MINUTES_MAX = 600
TAG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Level(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


def _check(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidInput("Some values are not acceptable; see `errors`.", errors=problems)


def _title_problem(field: str, title: str) -> FieldProblem | None:
    if not title.strip():
        return FieldProblem(field, "The title must not be empty.")
    if len(title) > TITLE_MAX:
        return FieldProblem(field, f"The title is limited to {TITLE_MAX} characters.")
    return None


def normalise_tag(tag: str) -> str:
    return tag.strip().lower()


@dataclass(frozen=True)
class CourseDetails:
    """Title, summary, level and tags of a course (tags are lower-case slugs, no duplicates)."""

    title: str
    summary: str = ""
    level: Level = Level.BEGINNER
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", self.title.strip())
        tags = tuple(dict.fromkeys(normalise_tag(t) for t in self.tags))
        object.__setattr__(self, "tags", tags)
        problems = [p for p in [_title_problem("title", self.title)] if p]
        if len(self.summary) > SUMMARY_MAX:
            problems.append(FieldProblem("summary", f"Limited to {SUMMARY_MAX} characters."))
        if len(tags) > TAGS_MAX:
            problems.append(FieldProblem("tags", f"At most {TAGS_MAX} tags."))
        bad = [t for t in tags if len(t) > TAG_MAX or not TAG_PATTERN.match(t)]
        if bad:
            problems.append(
                FieldProblem(
                    "tags",
                    f"Tags are words of letters and digits joined by hyphens, at most "
                    f"{TAG_MAX} characters: {', '.join(repr(t) for t in bad)} is not.",
                )
            )
        _check(problems)


@dataclass(frozen=True)
class LessonContent:
    """A lesson as its teacher writes it: Markdown body, optional video, estimated minutes."""

    title: str
    body_markdown: str = ""
    video_url: str | None = None
    estimated_minutes: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", self.title.strip())
        problems = [p for p in [_title_problem("title", self.title)] if p]
        if len(self.body_markdown) > BODY_MAX:
            problems.append(FieldProblem("body_markdown", f"Limited to {BODY_MAX} characters."))
        if self.video_url is not None and not _is_web_url(self.video_url):
            problems.append(FieldProblem("video_url", "The video URL must be an http(s) address."))
        if not 1 <= self.estimated_minutes <= MINUTES_MAX:
            problems.append(
                FieldProblem("estimated_minutes", f"Between 1 and {MINUTES_MAX} minutes.")
            )
        _check(problems)


def _is_web_url(url: str) -> bool:
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
