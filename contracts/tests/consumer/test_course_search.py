"""course -> search (a Python consumer of a Rust provider): the catalogue's ``q`` ranked by
search through course's real client (``HttpSearchRanking``, ADR 0025), public (no token).

course reads only the hits' ``course_id`` (in order) and ``total``: everything else in search's
answer may change without breaking course. The provider state is web's (contracts/tests/
provider/test_verify_rust_consumers.py): Python courses for beginners tagged ``python``,
published through course's API and indexed by search from course.published."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from edu.course.adapters.search_http import HttpSearchRanking
from edu.course.domain.values import Level

JSON = "application/json"
COURSE_ID = "6a1f0e2d-3c4b-4a59-8e7d-6c5b4a3f2e1d"
PUBLISHED = "published Python courses for beginners, indexed by search"
PAGE = {"limit": "20", "offset": "0"}


def ranked(hits: Any, total: Any) -> dict[str, Any]:
    return {"hits": hits, "total": total}


def search_pact() -> Pact:
    pact = Pact("course", "search").with_specification("V4")
    one_or_more = match.each_like({"course_id": match.uuid(COURSE_ID)}, min=1)
    (
        pact.upon_receiving("the catalogue asks search to rank courses for words")
        .given(PUBLISHED)
        .with_request("GET", "/search")
        .with_query_parameters({"q": "pyhton", **PAGE})
        .will_respond_with(200)
        .with_body(ranked(one_or_more, match.int(1)), JSON)
    )
    (
        pact.upon_receiving("the catalogue asks search to rank courses of a level and tag")
        .given(PUBLISHED)
        .with_request("GET", "/search")
        .with_query_parameters({"q": "python", "level": "beginner", "tag": "python", **PAGE})
        .will_respond_with(200)
        .with_body(ranked(one_or_more, match.int(1)), JSON)
    )
    (
        pact.upon_receiving("the catalogue asks search for words no course has")
        .with_request("GET", "/search")
        .with_query_parameters({"q": "xylophonequartzwaltz", **PAGE})
        .will_respond_with(200)
        .with_body(ranked([], 0), JSON)
    )
    return pact


@pytest.mark.pact_pair("course", "search")
class TestCourseSearchContract:
    async def test_course_reads_searchs_ranking_as_search_answers(self, pact_check: Any) -> None:
        pact = search_pact()
        with pact.serve() as server:
            ranking = HttpSearchRanking(str(server.url), timeout=5)
            try:
                found = await ranking.ranked("pyhton", level=None, tag=None, offset=0, limit=20)
                assert [str(i) for i in found.course_ids] == [COURSE_ID]
                assert found.total == 1
                narrowed = await ranking.ranked(
                    "python", level=Level.BEGINNER, tag="python", offset=0, limit=20
                )
                assert len(narrowed.course_ids) == 1
                nothing = await ranking.ranked(
                    "xylophonequartzwaltz", level=None, tag=None, offset=0, limit=20
                )
                assert (list(nothing.course_ids), nothing.total) == ([], 0)
            finally:
                await ranking.aclose()
        pact_check(pact)
