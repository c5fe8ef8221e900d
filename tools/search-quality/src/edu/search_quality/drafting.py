"""The rubric, applied: a query's intent and a course's subject, level and tags give its grade.

The seed's catalogue carries its meaning in three places only: the subject before the colon of
a title ("Python: Cloned Static Array"), the level, and the tags. The rest of a title is a
Faker catch phrase and the summary is filler text, so a word there ("Database" in a
photography course's title) says nothing about what the course teaches: the rubric ignores it.

    3  the course teaches a subject the query asks for, at the level and with the tags it asks for
       (a query asking only for a level or a tag: any course with them)
    2  it teaches a subject the query asks for but misses the level or a tag asked for, or it
       teaches a subject that answers the query in part (``partial``: "deep learning" ->
       Machine Learning)
    1  it teaches a neighbouring subject (RELATED), a useful second choice
    0  anything else (not listed in the judgments)

`python -m edu.search_quality draft` applies this to a catalogue snapshot and rewrites the
grades; the committed judgments are that draft, reviewed (README: "How the queries were judged").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from edu.search_quality.judgments import JudgedQuery

# Neighbouring subjects (both ways): someone searching one is helped a little by the other.
NEIGHBOURS = (
    ("Python", "Data Analysis"),
    ("Python", "Machine Learning"),
    ("Python", "Web Development"),
    ("Python", "Rust"),
    ("Web Development", "Interface Design"),
    ("Web Development", "Databases"),
    ("Web Development", "Cloud Computing"),
    ("Data Analysis", "Statistics"),
    ("Data Analysis", "Machine Learning"),
    ("Data Analysis", "Databases"),
    ("Data Analysis", "Accounting"),
    ("Statistics", "Machine Learning"),
    ("Statistics", "Algebra"),
    ("Databases", "Cloud Computing"),
    ("Interface Design", "Photography"),
    ("Creative Writing", "Public Speaking"),
)


def related(subject: str) -> frozenset[str]:
    return frozenset(b if a == subject else a for a, b in NEIGHBOURS if subject in (a, b))


@dataclass(frozen=True)
class CatalogueCourse:
    """A published course as the catalogue lists it."""

    id: str
    title: str
    level: str
    tags: tuple[str, ...]

    @property
    def subject(self) -> str:
        return self.title.split(":", 1)[0].strip()


def grade(query: JudgedQuery, course: CatalogueCourse) -> int:
    fits = (query.level is None or course.level == query.level) and set(query.tags) <= set(
        course.tags
    )
    if query.subjects and course.subject in query.subjects:
        return 3 if fits else 2
    if not query.subjects and not query.partial and (query.level or query.tags):
        return 3 if fits else 0
    if course.subject in query.partial:
        return 2
    wanted = {*query.subjects, *query.partial}
    if any(course.subject in related(subject) for subject in wanted):
        return 1
    return 0


def draft_grades(query: JudgedQuery, catalogue: Iterable[CatalogueCourse]) -> dict[str, int]:
    """Every course of the catalogue the rubric grades above 0, by title."""
    grades = {course.title: grade(query, course) for course in catalogue}
    return {title: g for title, g in grades.items() if g > 0}


def catalogue_from_json(rows: Iterable[Mapping[str, object]]) -> list[CatalogueCourse]:
    """The snapshot an evaluation writes (catalogue.json) back into courses."""
    courses = []
    for row in rows:
        tags = row["tags"]
        if not isinstance(tags, list):
            raise ValueError(f"tags of {row['title']!r} are not a list: {tags!r}")
        courses.append(
            CatalogueCourse(
                id=str(row["id"]),
                title=str(row["title"]),
                level=str(row["level"]),
                tags=tuple(str(tag) for tag in tags),
            )
        )
    return courses
