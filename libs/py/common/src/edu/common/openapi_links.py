"""OpenAPI links: how one operation's answer feeds the next call (RFC-style runtime expressions).

They document the API's workflows for people and client generators (after creating a course,
add a lesson to it with the returned id), and they are what the API fuzzer follows to build
realistic sequences (create, change, read back, delete, read again).

    @router.post("/courses", responses=links_on(201, add_lesson=link(
        "POST", "/courses/{course_id}/lessons", course_id="$response.body#/id")))

Targets are named by method and path (an ``operationRef``), so renaming a route function does
not silently break a link; a link to a path that does not exist fails the fuzzing layer.
"""

from __future__ import annotations

from typing import Any


def operation_ref(method: str, path: str) -> str:
    """JSON pointer to the operation: ``#/paths/~1courses~1{course_id}/get``."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{escaped}/{method.lower()}"


def link(
    method: str,
    path: str,
    *,
    description: str = "",
    request_body: Any = None,
    **parameters: str,
) -> dict[str, Any]:
    """A Link Object to ``method path``; ``parameters`` map its parameters to expressions."""
    found: dict[str, Any] = {"operationRef": operation_ref(method, path)}
    if parameters:
        found["parameters"] = parameters
    if request_body is not None:
        found["requestBody"] = request_body
    if description:
        found["description"] = description
    return found


def links_on(status: int, **named: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A ``responses=`` entry adding links to the ``status`` answer (FastAPI merges it)."""
    return {status: {"links": named}}
