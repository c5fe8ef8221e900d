"""Comparing two OpenAPI documents operation by operation: paths, parameters, bodies, responses.

Operations are matched by method and path template with parameter names blanked
(``/courses/{id}`` is ``/courses/{course_id}`` renamed: the URL a client builds is the same).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from edu.cli.openapi_gate import changes as kinds
from edu.cli.openapi_gate.changes import Change
from edu.cli.openapi_gate.schema_diff import Direction, SchemaComparer
from edu.cli.openapi_gate.schemas import Json, SpecDocument

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE = re.compile(r"\{[^}]*\}")


def operations(doc: SpecDocument) -> dict[tuple[str, str], tuple[str, Json, list[Json]]]:
    """(METHOD, blanked path) -> (path as written, operation, its parameters resolved)."""
    found: dict[tuple[str, str], tuple[str, Json, list[Json]]] = {}
    for path, item in (doc.raw.get("paths") or {}).items():
        shared = [doc.deref(p)[0] for p in item.get("parameters", [])]
        for method in METHODS:
            if isinstance(item.get(method), Mapping):
                operation = item[method]
                own = [doc.deref(p)[0] for p in operation.get("parameters", [])]
                overridden = {(p.get("in"), p.get("name")) for p in own}
                params = [p for p in shared if (p.get("in"), p.get("name")) not in overridden]
                key = (method.upper(), _TEMPLATE.sub("{}", path))
                found[key] = (path, operation, params + own)
    return found


def _param_key(param: Json, path: str) -> tuple[str, str]:
    """Path parameters are known by their position in the template, others by name."""
    name = str(param.get("name"))
    if param.get("in") == "path":
        names = [m.group(0)[1:-1] for m in _TEMPLATE.finditer(path)]
        return ("path", str(names.index(name)) if name in names else name)
    return (str(param.get("in")), name)


def diff_specs(old_raw: Json, new_raw: Json) -> list[Change]:
    """Every difference between ``old_raw`` and ``new_raw``, breaking or not."""
    old, new = SpecDocument(old_raw), SpecDocument(new_raw)
    before, after = operations(old), operations(new)
    found: list[Change] = []
    for key in sorted(before.keys() - after.keys()):
        found.append(
            Change(
                f"{key[0]} {before[key][0]}",
                "",
                kinds.REMOVED_OPERATION,
                "operation removed",
                breaking=True,
            )
        )
    for key in sorted(after.keys() - before.keys()):
        found.append(
            Change(
                f"{key[0]} {after[key][0]}",
                "",
                kinds.ADDED_OPERATION,
                "operation added",
                breaking=False,
            )
        )
    for key in sorted(before.keys() & after.keys()):
        comparer = SchemaComparer(old, new, f"{key[0]} {after[key][0]}")
        _parameters(comparer, before[key], after[key])
        _request_body(comparer, before[key][1], after[key][1])
        _responses(comparer, before[key][1], after[key][1])
        found.extend(comparer.found)
    return found


def _parameters(
    comparer: SchemaComparer,
    old_op: tuple[str, Json, list[Json]],
    new_op: tuple[str, Json, list[Json]],
) -> None:
    old = {_param_key(p, old_op[0]): p for p in old_op[2]}
    new = {_param_key(p, new_op[0]): p for p in new_op[2]}
    add = comparer.found.append
    for key in sorted(old.keys() | new.keys()):
        param = new.get(key) or old[key]
        section = f"{param.get('in')} parameter {param.get('name')}"
        if key not in new:
            add(
                Change(
                    comparer.operation,
                    section,
                    kinds.REMOVED_PARAMETER,
                    "parameter no longer read",
                    breaking=False,
                )
            )
        elif new[key].get("required") and (key not in old or not old[key].get("required")):
            what = "new required parameter" if key not in old else "parameter became required"
            add(Change(comparer.operation, section, kinds.NEW_REQUIRED_PARAMETER, what, True))
        elif key not in old:
            add(
                Change(
                    comparer.operation,
                    section,
                    kinds.ADDED_OPTIONAL_PARAMETER,
                    "optional parameter added",
                    breaking=False,
                )
            )
        if key in old and key in new:
            comparer.compare(old[key].get("schema"), new[key].get("schema"), section, "request")


def _content(
    comparer: SchemaComparer,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    section: str,
    direction: Direction,
) -> None:
    old_media, new_media = old.get("content") or {}, new.get("content") or {}
    for media in sorted(old_media):
        where = section if media == "application/json" else f"{section} {media}"
        if media not in new_media:
            comparer.found.append(
                Change(
                    comparer.operation,
                    where,
                    kinds.REMOVED_MEDIA_TYPE,
                    f"{media} no longer offered",
                    breaking=True,
                )
            )
            continue
        old_schema, new_schema = old_media[media].get("schema"), new_media[media].get("schema")
        comparer.compare(old_schema, new_schema, where, direction)


def _request_body(comparer: SchemaComparer, old_op: Json, new_op: Json) -> None:
    old_body, _ = comparer.old.deref(old_op.get("requestBody") or {})
    new_body, _ = comparer.new.deref(new_op.get("requestBody") or {})
    if new_body.get("required") and not old_body.get("required"):
        detail = "request body became required" if old_body else "new required request body"
        comparer.found.append(
            Change(
                comparer.operation, "request body", kinds.NEW_REQUIRED_FIELD, detail, breaking=True
            )
        )
    if old_body and new_body:
        _content(comparer, old_body, new_body, "request body", "request")


def _responses(comparer: SchemaComparer, old_op: Json, new_op: Json) -> None:
    old, new = old_op.get("responses") or {}, new_op.get("responses") or {}
    for status in sorted(set(old) | set(new), key=str):
        section = f"response {status}"
        if status not in new:
            comparer.found.append(
                Change(
                    comparer.operation,
                    section,
                    kinds.REMOVED_STATUS_CODE,
                    f"status {status} no longer returned",
                    True,
                )
            )
        elif status not in old:
            comparer.found.append(
                Change(
                    comparer.operation,
                    section,
                    kinds.ADDED_STATUS_CODE,
                    f"status {status} added",
                    breaking=False,
                )
            )
        else:
            old_response, _ = comparer.old.deref(old[status])
            new_response, _ = comparer.new.deref(new[status])
            _content(comparer, old_response, new_response, section, "response")
