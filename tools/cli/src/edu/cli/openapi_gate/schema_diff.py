"""Direction-aware comparison of two schemas.

A request schema may only widen: the new server must accept everything old clients send. A
response schema may only grow: old clients must understand everything the new server returns
(new fields and new enum values are fine; clients are expected to ignore what they do not know).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from edu.cli.openapi_gate import changes as kinds
from edu.cli.openapi_gate.changes import Change
from edu.cli.openapi_gate.schemas import Shape, SpecDocument, shape_of

Direction = Literal["request", "response"]


def uncovered(wanted: frozenset[str] | None, offered: frozenset[str] | None) -> set[str]:
    """The JSON types in ``wanted`` that ``offered`` does not admit (integer fits number)."""
    if offered is None:
        return set()
    if wanted is None:
        return {"any"}
    return {t for t in wanted if t not in offered and not (t == "integer" and "number" in offered)}


def _names(values: frozenset[str] | set[str]) -> str:
    return ", ".join(sorted(values))


@dataclass
class SchemaComparer:
    """Collects the changes between two schemas of one operation into ``found``."""

    old: SpecDocument
    new: SpecDocument
    operation: str
    found: list[Change] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def compare(self, old: Any, new: Any, section: str, direction: Direction) -> None:
        """``section`` names the schema's place: "request body", "response 200", ..."""
        self._compare(old, new, section, "$", direction)

    def _add(self, section: str, path: str, kind: str, detail: str, breaking: bool) -> None:
        where = section if path == "$" else f"{section} {path}"
        self.found.append(Change(self.operation, where, kind, detail, breaking))

    def _compare(self, old: Any, new: Any, section: str, path: str, direction: Direction) -> None:
        before, after = shape_of(self.old, old), shape_of(self.new, new)
        if before.ref and after.ref:
            visit = (before.ref, after.ref, f"{direction} {section}")
            if visit in self._seen:
                return  # compared already here (or a recursive model on the way in)
            self._seen.add(visit)
        if not self._types(before, after, section, path, direction):
            return
        self._enum(before, after, section, path, direction)
        self._properties(before, after, section, path, direction)
        if before.items is not None and after.items is not None:
            self._compare(before.items, after.items, section, f"{path}[]", direction)
        if before.values is not None and after.values is not None:
            self._compare(before.values, after.values, section, f"{path}.*", direction)
        self._variants(before, after, section, path, direction)

    def _types(
        self, before: Shape, after: Shape, section: str, path: str, direction: Direction
    ) -> bool:
        """Report a type change; False when the shapes differ too much to compare further."""
        if direction == "request":
            lost = uncovered(before.types, after.types)
            detail = "no longer accepts null" if lost == {"null"} else "accepts fewer types"
        else:
            lost = uncovered(after.types, before.types)
            detail = "may now be null" if lost == {"null"} else "may return other types"
        was, now = _names(before.types or {"any"}), _names(after.types or {"any"})
        if lost:
            self._add(section, path, kinds.CHANGED_TYPE, f"{detail} (was {was}, now {now})", True)
            return lost == {"null"}
        if direction == "request" and before.types != after.types:
            self._add(section, path, kinds.WIDENED_TYPE, f"was {was}, now {now}", False)
        return True

    def _enum(
        self, before: Shape, after: Shape, section: str, path: str, direction: Direction
    ) -> None:
        old, new = before.enum, after.enum
        if old == new:
            return
        if direction == "request" and new is not None and (old is None or old - new):
            detail = (
                f"now only accepts {_names(new)}"
                if old is None
                else (f"no longer accepts {_names(old - new)}")
            )
            self._add(section, path, kinds.NARROWED_ENUM, detail, breaking=True)
        elif new is None:
            self._add(section, path, kinds.WIDENED_ENUM, "no longer limited to a list", False)
        elif old is not None and new - old:
            self._add(section, path, kinds.WIDENED_ENUM, f"new value(s) {_names(new - old)}", False)

    def _properties(
        self, before: Shape, after: Shape, section: str, path: str, direction: Direction
    ) -> None:
        old_props, new_props = before.properties, after.properties
        for name in sorted(set(old_props) | set(new_props)):
            at = f"{path}.{name}"
            if name not in new_props:
                if direction == "response":
                    self._add(section, at, kinds.REMOVED_RESPONSE_FIELD, "field removed", True)
                elif after.closed:
                    self._add(
                        section,
                        at,
                        kinds.REJECTED_FIELD,
                        "field removed and unknown fields are rejected",
                        True,
                    )
                else:
                    self._add(section, at, kinds.REMOVED_REQUEST_FIELD, "field ignored now", False)
                continue
            if direction == "request" and name in after.required - before.required:
                what = "field became required" if name in old_props else "new required field"
                self._add(section, at, kinds.NEW_REQUIRED_FIELD, what, breaking=True)
            elif name not in old_props:
                kind = (
                    kinds.ADDED_OPTIONAL_FIELD
                    if direction == "request"
                    else kinds.ADDED_RESPONSE_FIELD
                )
                self._add(section, at, kind, "field added", breaking=False)
            if name not in old_props:
                continue
            if direction == "response" and name in before.required - after.required:
                self._add(
                    section, at, kinds.OPTIONAL_RESPONSE_FIELD, "field may now be absent", True
                )
            self._compare(old_props[name], new_props[name], section, at, direction)

    def _variants(
        self, before: Shape, after: Shape, section: str, path: str, direction: Direction
    ) -> None:
        old_variants, new_variants = dict(before.variants), dict(after.variants)
        if not old_variants or not new_variants:
            return
        if direction == "request":
            for name in sorted(old_variants.keys() - new_variants.keys()):
                self._add(section, path, kinds.CHANGED_TYPE, f"no longer accepts {name}", True)
        else:
            for name in sorted(new_variants.keys() - old_variants.keys()):
                self._add(section, path, kinds.CHANGED_TYPE, f"may now return {name}", True)
        for name in sorted(old_variants.keys() & new_variants.keys()):
            self._compare(old_variants[name], new_variants[name], section, path, direction)
