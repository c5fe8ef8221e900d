"""The judged query set: what each query means and how relevant each seeded course is to it.

The file (tools/search-quality/judgments.toml) is data, read and written here. A course is
named by its title: the seed is deterministic, so a title names the same course in every
stack seeded M, where ids are fresh UUIDs. The rubric that produced the grades is in the README
and in edu.search_quality.drafting.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CATEGORIES = (
    "subject",
    "multi-word",
    "typo",
    "prefix",
    "facet",
    "synonym",
    "trap",
    "no-answer",
)
GRADES = range(4)
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "judgments.toml"


class JudgmentsError(ValueError):
    """The judgments file says something the evaluation cannot use."""


@dataclass(frozen=True)
class JudgedQuery:
    """A query as a student would type it, what it means, and the judged courses."""

    id: str
    text: str
    category: str
    intent: str
    # What the rubric reads (edu.search_quality.drafting): the subjects that fully answer it,
    # those that answer it in part, and the level and tags it asks for.
    subjects: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    level: str | None = None
    tags: tuple[str, ...] = ()
    grades: Mapping[str, int] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        """Whether any course is relevant at all (else it is a query with no good answer)."""
        return any(grade > 0 for grade in self.grades.values())


def load_judgments(path: Path = DEFAULT_PATH) -> list[JudgedQuery]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    return parse_judgments(data)


def parse_judgments(data: Mapping[str, object]) -> list[JudgedQuery]:
    raw = data.get("queries")
    if not isinstance(raw, list) or not raw:
        raise JudgmentsError("no [[queries]] in the judgments")
    queries = [_query(entry) for entry in raw]
    seen: set[str] = set()
    for query in queries:
        if query.id in seen:
            raise JudgmentsError(f"query id {query.id!r} appears twice")
        seen.add(query.id)
    return queries


def _query(entry: object) -> JudgedQuery:
    if not isinstance(entry, dict):
        raise JudgmentsError(f"a query must be a table, not {entry!r}")
    name = str(entry.get("id", "?"))
    try:
        query = JudgedQuery(
            id=str(entry["id"]),
            text=str(entry["text"]),
            category=str(entry["category"]),
            intent=str(entry["intent"]),
            subjects=tuple(entry.get("subjects", ())),
            partial=tuple(entry.get("partial", ())),
            level=entry.get("level"),
            tags=tuple(entry.get("tags", ())),
            grades=dict(entry.get("grades", {})),
        )
    except KeyError as exc:
        raise JudgmentsError(f"query {name!r} has no {exc.args[0]!r}") from None
    if query.category not in CATEGORIES:
        raise JudgmentsError(f"query {name!r}: category {query.category!r} is none of {CATEGORIES}")
    bad = {key: grade for key, grade in query.grades.items() if grade not in GRADES}
    if bad or any(not isinstance(grade, int) for grade in query.grades.values()):
        raise JudgmentsError(f"query {name!r}: grades must be integers 0-3, got {bad}")
    if not query.text.strip():
        raise JudgmentsError(f"query {name!r} has an empty text")
    return query


def digest(queries: Sequence[JudgedQuery]) -> str:
    """A fingerprint of the judgments, so a baseline is only compared with its own set."""
    canonical = [
        {"id": q.id, "text": q.text, "grades": dict(sorted(q.grades.items()))} for q in queries
    ]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()[:16]


def render_judgments(queries: Sequence[JudgedQuery], header: str) -> str:
    """The judgments as TOML, in a fixed layout (one query after another, grades best first)."""
    lines = [header.rstrip(), ""]
    for q in queries:
        lines += ["[[queries]]", f"id = {_s(q.id)}", f"text = {_s(q.text)}"]
        lines += [f"category = {_s(q.category)}", f"intent = {_s(q.intent)}"]
        if q.subjects:
            lines.append(f"subjects = {_list(q.subjects)}")
        if q.partial:
            lines.append(f"partial = {_list(q.partial)}")
        if q.level:
            lines.append(f"level = {_s(q.level)}")
        if q.tags:
            lines.append(f"tags = {_list(q.tags)}")
        lines.append("[queries.grades]")
        for title, grade in sorted(q.grades.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"{_s(title)} = {grade}")
        lines.append("")
    return "\n".join(lines)


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_s(item) for item in items) + "]"
