"""The search service's ranking over HTTP (its public ``GET /search``, ADR 0025).

Only the hits' ``course_id`` and the ``total`` are read (a tolerant reader: scores,
highlights and facets may change without breaking course). search pages by at most
``PAGE_LIMIT``; a longer slice is asked for page by page. Anything but a readable 200 — a
refused connection, a timeout, a 4xx (words search will not take) or a 5xx, a body without
those fields — is ``SearchUnavailable``, so the catalogue falls back to its own search.
"""

from __future__ import annotations

from uuid import UUID

import httpx

from edu.course.domain.values import Level
from edu.course.service_layer.ports import RankedMatches, SearchUnavailable

PAGE_LIMIT = 100  # search's MAX_LIMIT


class HttpSearchRanking:
    def __init__(
        self, base_url: str, *, timeout: float, client: httpx.AsyncClient | None = None
    ) -> None:
        self._client = client or httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def ranked(
        self, text: str, *, level: Level | None, tag: str | None, offset: int, limit: int
    ) -> RankedMatches:
        ids: list[UUID] = []
        total = 0
        while len(ids) < limit:
            asked = min(PAGE_LIMIT, limit - len(ids))
            page, total = await self._page(text, level, tag, offset + len(ids), asked)
            ids.extend(page)
            if len(page) < asked:
                break
        return RankedMatches(ids, total)

    async def _page(
        self, text: str, level: Level | None, tag: str | None, offset: int, limit: int
    ) -> tuple[list[UUID], int]:
        params: dict[str, str | int] = {"q": text, "limit": limit, "offset": offset}
        if level is not None:
            params["level"] = level.value
        if tag is not None:
            params["tag"] = tag
        try:
            response = await self._client.get("/search", params=params)
        except httpx.HTTPError as error:
            raise SearchUnavailable(f"GET /search: {type(error).__name__}: {error}") from error
        if response.status_code != httpx.codes.OK:
            raise SearchUnavailable(f"GET /search answered {response.status_code}")
        try:
            body = response.json()
            return [UUID(hit["course_id"]) for hit in body["hits"]], int(body["total"])
        except (ValueError, KeyError, TypeError) as error:
            raise SearchUnavailable(f"GET /search: an unreadable answer ({error!r})") from error

    async def aclose(self) -> None:
        """Close the connection pool (on shutdown)."""
        await self._client.aclose()
