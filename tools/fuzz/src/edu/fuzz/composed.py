"""The gateway's composed OpenAPI document, and each service's part of it.

The api-gateway serves ``/openapi/composed.json``: the paths it routes, from every service's own
document, merged, with the answers the gateway itself may give (401, 413, 429, 431, 502, 503,
504) added to every operation, and each path naming the service that answers it in
``x-edu-service`` (services/rs/api-gateway/src/http/composed.rs). Every fuzzing run takes its
part of that document and sends its requests to the gateway: what is fuzzed is what clients
reach, routing, token checks, limits and header handling included.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

import httpx

COMPOSED_PATH = "/openapi/composed.json"
OWN_PATH = "/openapi.json"  # the gateway's own document: health, ready, its OpenAPI
SERVICE_EXTENSION = "x-edu-service"  # on each path item: the service that answers it


class NotRouted(LookupError):
    """A service has no path in the composed document: the gateway does not route to it, so a
    run over its part would fuzz nothing and pass."""


def fetch_document(gateway_url: str, path: str = COMPOSED_PATH) -> dict[str, Any]:
    """A document the gateway serves: the composed one (made from every service's own), or
    its own (``OWN_PATH``)."""
    response = httpx.get(f"{gateway_url}{path}", timeout=10.0)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def services_in(composed: Mapping[str, Any]) -> set[str]:
    """The services the composed document has paths of."""
    return {str(item.get(SERVICE_EXTENSION)) for item in composed.get("paths", {}).values()}


def part_of(composed: Mapping[str, Any], services: Collection[str]) -> dict[str, Any]:
    """The composed document with only the paths ``services`` answer (every component kept)."""
    missing = set(services) - services_in(composed)
    if missing:
        raise NotRouted(
            f"the gateway's composed document has no path of {sorted(missing)}; it routes "
            f"{sorted(services_in(composed))} (EDU_GATEWAY_ROUTES, ADR 0016)"
        )
    part = copy.deepcopy(dict(composed))
    part["paths"] = {
        path: item
        for path, item in part.get("paths", {}).items()
        if item.get(SERVICE_EXTENSION) in services
    }
    return part
