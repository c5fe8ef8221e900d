"""web -> search (a Python consumer of a Rust provider): the catalogue's search through web's
real search client (ADR 0025), public (no token).

What web reads of an answer is pinned, and only that (a tolerant reader: scores and their
parts may change without breaking web). The provider states publish courses through course's
API and wait until search has indexed them from course.published (contracts/tests/provider/
test_verify_rust_consumers.py): the courses of the states are Python courses for beginners
tagged ``python``, so the words, the facets and the highlights below are what search answers
about them."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from edu.web.clients.errors import ProblemError
from edu.web.clients.search import HttpSearchClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
PROBLEM = "application/problem+json"
COURSE_ID = "6a1f0e2d-3c4b-4a59-8e7d-6c5b4a3f2e1d"
PUBLISHED = "published Python courses for beginners, indexed by search"
PAGE = {"limit": "20", "offset": "0"}


def hit() -> dict[str, Any]:
    return {
        "course_id": match.uuid(COURSE_ID),
        "title": match.str("Python 3f2a1b"),
        "level": match.str("beginner"),
        "tags": match.each_like("python", min=1),
        # field -> text with the matched words in <b>: the title matched here
        "highlights": match.like({"title": "<b>Python</b> 3f2a1b"}),
    }


def results(hits: Any, total: Any, facets: dict[str, Any]) -> dict[str, Any]:
    return {
        "hits": hits,
        "total": total,
        "limit": match.int(20),
        "offset": match.int(0),
        "facets": facets,
    }


FACETS = {
    "level": match.like({"beginner": 1}),
    "tag": match.like({"python": 1}),
}


def search_pact() -> Pact:
    pact = Pact("web", "search").with_specification("V4")
    (
        pact.upon_receiving("a visitor searches the catalogue for words")
        .given(PUBLISHED)
        .with_request("GET", "/search")
        .with_query_parameters({"q": "pyhton", **PAGE})
        .will_respond_with(200)
        .with_body(results(match.each_like(hit(), min=1), match.int(1), FACETS), JSON)
    )
    (
        pact.upon_receiving("a visitor narrows a search by level and tag")
        .given(PUBLISHED)
        .with_request("GET", "/search")
        .with_query_parameters({"q": "python", "level": "beginner", "tag": "python", **PAGE})
        .will_respond_with(200)
        .with_body(results(match.each_like(hit(), min=1), match.int(1), FACETS), JSON)
    )
    (
        pact.upon_receiving("a visitor searches for words no course has")
        .with_request("GET", "/search")
        .with_query_parameters({"q": "xylophonequartzwaltz", **PAGE})
        .will_respond_with(200)
        .with_body(results([], 0, {"level": {}, "tag": {}}), JSON)
    )
    (
        pact.upon_receiving("a visitor asks for a tag that cannot be one")
        .with_request("GET", "/search")
        .with_query_parameters({"tag": "Not a tag!", **PAGE})
        .will_respond_with(422)
        .with_body(
            {
                "status": 422,
                "title": match.str("Unprocessable Content"),
                "errors": match.each_like(
                    {"field": "tag", "message": match.str("a tag: lower-case letters")}, min=1
                ),
            },
            PROBLEM,
        )
    )
    return pact


@pytest.mark.pact_pair("web", "search")
class TestWebSearchContract:
    async def test_web_searches_the_catalogue_as_search_answers(self, pact_check: Any) -> None:
        pact = search_pact()
        with pact.serve() as server:
            client = HttpSearchClient(ServiceTransport("search", str(server.url), timeout=5))
            found = await client.search("pyhton", limit=20)
            assert found.total == 1
            assert found.hits[0].title.startswith("Python")
            assert "<b>" in found.hits[0].highlights["title"]
            assert found.facets.level == {"beginner": 1}
            narrowed = await client.search("python", level="beginner", tag="python", limit=20)
            assert narrowed.hits[0].tags == ("python",)
            nothing = await client.search("xylophonequartzwaltz", limit=20)
            assert (nothing.total, nothing.hits) == (0, ())
            with pytest.raises(ProblemError) as refused:
                await client.search(None, tag="Not a tag!", limit=20)
            assert refused.value.status == 422
            assert "tag" in refused.value.field_errors
        pact_check(pact)
