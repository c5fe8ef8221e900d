"""What a service's OpenAPI document must say about every operation, checked in its tests.

assert undocumented((await client.get("/openapi.json")).json()) == []
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Liveness (edu.common.health) takes no input: no client error is possible.
NO_CLIENT_ERRORS = frozenset({"GET /health"})


def undocumented(spec: Mapping[str, Any]) -> list[str]:
    """The gaps, one line each: every operation has a summary, documents a 4xx answer and a 2xx
    one, and that 2xx answer has a body unless it is 204 No Content."""
    gaps: list[str] = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            codes = set(operation["responses"])
            ok = sorted(code for code in codes if code.startswith("2"))
            if not operation.get("summary"):
                gaps.append(f"{where}: no summary")
            if where not in NO_CLIENT_ERRORS and not any(code.startswith("4") for code in codes):
                gaps.append(f"{where}: no 4xx answer")
            if not ok:
                gaps.append(f"{where}: no 2xx answer")
            elif "204" not in ok and "content" not in operation["responses"][ok[0]]:
                gaps.append(f"{where}: the {ok[0]} answer has no body")
    return gaps
