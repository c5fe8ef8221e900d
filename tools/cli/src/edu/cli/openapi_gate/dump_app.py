"""Print one service's OpenAPI document as JSON: ``python -m edu.cli.openapi_gate.dump_app
edu.course.entrypoints.asgi:create_app``.

Run in a child process per service (by ``export``), so each service's imports, settings and
module state stay out of the CLI and out of each other.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any


def openapi_of(target: str) -> dict[str, Any]:
    module_name, _, factory_name = target.partition(":")
    if not factory_name:
        raise SystemExit(f"expected module:factory, got {target!r}")
    factory = getattr(importlib.import_module(module_name), factory_name)
    spec: dict[str, Any] = factory().openapi()
    return spec


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m edu.cli.openapi_gate.dump_app module:factory\n")
        return 2
    sys.stdout.write(json.dumps(openapi_of(argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
