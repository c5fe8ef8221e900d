"""Reading OpenAPI 3.0/3.1 documents: ``$ref`` resolution and a normalised view of a schema.

FastAPI (pydantic 2) writes ``Optional[X]`` as ``anyOf: [X, {type: null}]``, literals as
``const``, models as ``$ref``s with sibling keys (``default``); OpenAPI 3.0 writes
``nullable: true`` and 3.1 allows ``type: [string, "null"]``. ``Shape`` reduces all of these to
one form: the JSON types a schema admits, its enum, its object and array parts, its variants.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = Mapping[str, Any]
_PY_TO_JSON = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


class SpecDocument:
    """One OpenAPI document whose local ``$ref``s (``#/components/...``) can be followed."""

    def __init__(self, raw: Json) -> None:
        self.raw = raw

    def deref(self, node: Any) -> tuple[Json, str | None]:
        """The node with its ``$ref`` chain followed (siblings of ``$ref`` kept) and the last
        referenced component's name, or None when the node was inline."""
        name = None
        seen: set[str] = set()
        current: Json = node if isinstance(node, Mapping) else {}
        while isinstance(current.get("$ref"), str) and current["$ref"] not in seen:
            ref = current["$ref"]
            seen.add(ref)
            siblings = {k: v for k, v in current.items() if k != "$ref"}
            target = self._pointer(ref)
            name = ref.rsplit("/", 1)[-1]
            current = {**target, **siblings}
        return current, name

    def _pointer(self, ref: str) -> Json:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $refs are supported, not {ref!r}")
        node: Any = self.raw
        for part in ref[2:].split("/"):
            node = node.get(part.replace("~1", "/").replace("~0", "~"), {})
        return node if isinstance(node, Mapping) else {}


@dataclass(frozen=True)
class Shape:
    """The facts about one schema that decide compatibility."""

    types: frozenset[str] | None  # None: any JSON value
    enum: frozenset[str] | None  # canonical JSON text of each allowed value
    properties: Mapping[str, Any] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    closed: bool = False  # additionalProperties: false
    items: Any = None
    values: Any = None  # additionalProperties as a schema (dict-like objects)
    variants: tuple[tuple[str, Any], ...] = ()  # (name, schema) of a union's non-null members
    ref: str | None = None


def _types_of(schema: Json) -> frozenset[str] | None:
    declared = schema.get("type")
    found: set[str] = set()
    if isinstance(declared, str):
        found.add(declared)
    elif isinstance(declared, list):
        found.update(t for t in declared if isinstance(t, str))
    elif "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        found.update(_PY_TO_JSON.get(type(v), "object") for v in values)
    elif "properties" in schema or "additionalProperties" in schema:
        found.add("object")
    elif "items" in schema:
        found.add("array")
    else:
        return None
    if schema.get("nullable") is True:
        found.add("null")
    return frozenset(found)


def _enum_of(schema: Json) -> frozenset[str] | None:
    if "const" in schema:
        return frozenset({json.dumps(schema["const"], sort_keys=True)})
    if isinstance(schema.get("enum"), list):
        return frozenset(json.dumps(v, sort_keys=True) for v in schema["enum"])
    return None


def shape_of(doc: SpecDocument, node: Any) -> Shape:
    schema, ref = doc.deref(node)
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in parts:
            resolved, _ = doc.deref(part)
            merged["properties"] = {
                **resolved.get("properties", {}),
                **merged.get("properties", {}),
            }
            merged["required"] = [*resolved.get("required", []), *merged.get("required", [])]
            for key, value in resolved.items():
                merged.setdefault(key, value)
        return shape_of(doc, merged)
    members = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(members, list) and members:
        return _union(doc, members, ref)
    additional = schema.get("additionalProperties")
    return Shape(
        types=_types_of(schema),
        enum=_enum_of(schema),
        properties=schema.get("properties", {}),
        required=frozenset(schema.get("required", [])),
        closed=additional is False,
        items=schema.get("items"),
        values=additional if isinstance(additional, Mapping) else None,
        ref=ref,
    )


def _union(doc: SpecDocument, members: list[Any], ref: str | None) -> Shape:
    shapes = [(member, shape_of(doc, member)) for member in members]
    nullable = any(s.types == frozenset({"null"}) for _, s in shapes)
    others = [(m, s) for m, s in shapes if s.types != frozenset({"null"})]
    null = frozenset({"null"}) if nullable else frozenset()
    if len(others) == 1:
        only = others[0][1]
        types = None if only.types is None else only.types | null
        return Shape(**{**only.__dict__, "types": types, "ref": only.ref or ref})
    any_open = any(s.types is None for _, s in others)
    types = None if any_open else frozenset().union(*(s.types or () for _, s in others)) | null
    variants = tuple((variant_name(s), m) for m, s in others)
    return Shape(types=types, enum=None, variants=variants, ref=ref)


def variant_name(shape: Shape) -> str:
    """How a union member is recognised across versions: its component name, else its type."""
    return shape.ref or "|".join(sorted(shape.types or {"any"}))
