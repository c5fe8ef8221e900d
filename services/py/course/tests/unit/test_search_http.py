"""The search service's ranking over HTTP, against httpx's in-process transport (no network):
what course asks, how it reads the answer, and every failure as SearchUnavailable."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import httpx
import pytest

from edu.course.adapters.search_http import PAGE_LIMIT, HttpSearchRanking
from edu.course.domain.values import Level
from edu.course.service_layer.ports import SearchUnavailable

Handler = Callable[[httpx.Request], httpx.Response]


def ranking(handler: Handler) -> HttpSearchRanking:
    client = httpx.AsyncClient(base_url="http://search", transport=httpx.MockTransport(handler))
    return HttpSearchRanking("http://search", timeout=1, client=client)


class TestRanked:
    async def test_asks_search_for_the_words_filters_and_slice_and_reads_ids_in_order(
        self,
    ) -> None:
        ids = [uuid4(), uuid4()]
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            hits = [{"course_id": str(i), "score": 1.0, "title": "t"} for i in ids]
            return httpx.Response(200, json={"hits": hits, "total": 7, "facets": {}})

        found = await ranking(answer).ranked(
            "pyhton", level=Level.BEGINNER, tag="python", offset=20, limit=2
        )
        assert (list(found.course_ids), found.total) == (ids, 7)
        assert seen[0].url.path == "/search"
        assert dict(seen[0].url.params) == {
            "q": "pyhton",
            "level": "beginner",
            "tag": "python",
            "offset": "20",
            "limit": "2",
        }

    async def test_a_slice_longer_than_searchs_page_is_asked_page_by_page(self) -> None:
        everything = [uuid4() for _ in range(230)]
        asked: list[tuple[int, int]] = []

        def answer(request: httpx.Request) -> httpx.Response:
            offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
            asked.append((offset, limit))
            hits = [{"course_id": str(i)} for i in everything[offset : offset + limit]]
            return httpx.Response(200, json={"hits": hits, "total": len(everything)})

        found = await ranking(answer).ranked("a", level=None, tag=None, offset=0, limit=1000)
        assert list(found.course_ids) == everything
        assert asked == [(0, PAGE_LIMIT), (100, PAGE_LIMIT), (200, PAGE_LIMIT)]

    @pytest.mark.parametrize(
        ("answer", "reason"),
        [
            (lambda r: httpx.Response(503, json={"status": 503}), "answered 503"),
            (lambda r: httpx.Response(422, json={"status": 422}), "answered 422"),
            (lambda r: httpx.Response(200, json={"results": []}), "unreadable"),
            (
                lambda r: httpx.Response(200, json={"hits": [{"course_id": "x"}], "total": 1}),
                "unreadable",
            ),
        ],
    )
    async def test_an_answer_course_cannot_use_is_search_unavailable(
        self, answer: Handler, reason: str
    ) -> None:
        with pytest.raises(SearchUnavailable, match=reason):
            await ranking(answer).ranked("a", level=None, tag=None, offset=0, limit=20)

    async def test_no_answer_at_all_is_search_unavailable(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        with pytest.raises(SearchUnavailable, match="ConnectError: connection refused"):
            await ranking(refuse).ranked("a", level=None, tag=None, offset=0, limit=20)
