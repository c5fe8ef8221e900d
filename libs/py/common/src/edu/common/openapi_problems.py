"""Make every service's OpenAPI document the errors it really answers.

FastAPI documents each validated operation's 422 as ``application/json`` with its own
``HTTPValidationError`` shape, but our handlers (``edu.common.http_problems``) answer problem+json,
and they answer 400 when a request body is not JSON at all, 413 when it is too large, and 503 (with Retry-After) when a
dependency cannot be reached, which FastAPI does not document.
A client generated from the document, and the API fuzzer, would trust the wrong contract.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
_FASTAPI_SCHEMAS = ("HTTPValidationError", "ValidationError")
_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def problem_content() -> dict[str, Any]:
    # Both media types, like edu.common.http_problems.problem_responses documents every status.
    return {
        PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}},
        "application/json": {"schema": {"$ref": PROBLEM_REF}},
    }


def document_problems(app: FastAPI, problem_schemas: Callable[[], dict[str, Any]]) -> None:
    """Rewrite ``app``'s OpenAPI once, when first built: 422 as problem+json, 400 on bodies.

    ``problem_schemas`` gives the JSON schemas of the problem models by name (added to
    ``components.schemas`` when no route documented a problem yet).
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_documented_problems(build(), problem_schemas())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise


def with_documented_problems(
    document: dict[str, Any], problem_schemas: dict[str, Any]
) -> dict[str, Any]:
    """``document`` with each operation's error answers documented as they are sent."""
    for path_item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is not None:
                _document_operation(operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in problem_schemas.items():
        schemas.setdefault(name, schema)
    for name in _FASTAPI_SCHEMAS:
        schemas.pop(name, None)
    return document


def _document_operation(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        responses["422"] = {
            "description": "The request has invalid values",
            "content": problem_content(),
        }
    if "requestBody" in operation and "400" not in responses:
        responses["400"] = {
            "description": "The request body is not valid JSON",
            "content": problem_content(),
        }
    if "requestBody" in operation and "413" not in responses:
        # edu.common.body_limit refuses a body over the service's EDU_MAX_REQUEST_BODY_BYTES.
        responses["413"] = {
            "description": "The request body is larger than the service accepts",
            "content": problem_content(),
        }
    if "503" not in responses:
        # edu.common.http_problems answers any operation so while its database (or another
        # server it depends on) cannot be reached: a restart, a broken connection.
        responses["503"] = {
            "description": "A server the service depends on cannot be reached right now; "
            "retry after the Retry-After seconds",
            "headers": {
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait before retrying",
                }
            },
            "content": problem_content(),
        }
