"""search's API (Rust, ADR 0025): the catalogue's full-text search, public (no token), reached
through the api-gateway like every other service."""

from __future__ import annotations

from typing import Protocol

from edu.web.clients.models import SearchResults
from edu.web.clients.transport import ServiceTransport


class SearchClient(Protocol):
    async def search(
        self,
        text: str | None,
        *,
        level: str | None = None,
        tag: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> SearchResults:
        """Published courses matching ``text`` (every one without it), best first, filtered
        by ``level`` and ``tag``; ProblemError 422 naming a parameter search cannot use,
        ServiceUnavailable when search does not answer."""
        ...


class HttpSearchClient:
    def __init__(self, transport: ServiceTransport) -> None:
        self._http = transport

    async def search(
        self,
        text: str | None,
        *,
        level: str | None = None,
        tag: str | None = None,
        limit: int,
        offset: int = 0,
    ) -> SearchResults:
        params: dict[str, str | int] = {"limit": limit, "offset": offset}
        for name, value in (("q", text), ("level", level), ("tag", tag)):
            if value:
                params[name] = value
        response = await self._http.call("GET", "/search", params=params)
        return SearchResults.model_validate(response.json())
