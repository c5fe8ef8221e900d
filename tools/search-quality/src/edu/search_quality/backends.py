"""The backends a query set is run against, each asked over HTTP as a client would.

``postgres``     the course service's catalogue (``GET /courses?q=``): PostgreSQL full-text
                 search, ``websearch_to_tsquery`` over title and summary ranked by ``ts_rank``
``http:<url>``   any search endpoint answering ``GET <url>/search?q=&limit=`` with
                 ``{"hits": [{"course_id": ...}, ...]}`` best first (the Rust search service)

Every answer is turned into course titles through the catalogue (``fetch_catalogue``), the
stable keys the judgments use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from edu.search_quality.drafting import CatalogueCourse

CATALOGUE_PAGE = 100  # the course API's largest page
TIMEOUT_S = 10.0

Search = Callable[[str, int], list[str]]  # (query text, limit) -> course ids, best first


class BackendError(RuntimeError):
    """A backend answered something the evaluation cannot read."""


@dataclass(frozen=True)
class Backend:
    name: str  # "postgres", "http"; also the baseline's file name
    description: str
    search: Search


def backend_named(spec: str, course_url: str, client: httpx.Client) -> Backend:
    """``postgres`` or ``http:<url>``."""
    if spec == "postgres":
        return Backend(
            "postgres",
            f"course service full-text search ({course_url}/courses?q=)",
            lambda text, limit: catalogue_search(client, course_url, text, limit),
        )
    if spec.startswith("http:"):
        base = spec.removeprefix("http:").rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise BackendError(f"{spec!r}: write http:http://host:port (the endpoint's base URL)")
        return Backend(
            "http",
            f"search endpoint {base}/search?q=&limit=",
            lambda text, limit: endpoint_search(client, base, text, limit),
        )
    raise BackendError(f"unknown backend {spec!r}: use postgres or http:<url>")


def catalogue_search(client: httpx.Client, course_url: str, text: str, limit: int) -> list[str]:
    answer = _get_json(client, f"{course_url}/courses", {"q": text, "page_size": limit})
    items = answer.get("items")
    if not isinstance(items, list):
        raise BackendError(f"the catalogue answered without items: {answer!r}"[:300])
    return [str(item["id"]) for item in items]


def endpoint_search(client: httpx.Client, base: str, text: str, limit: int) -> list[str]:
    answer = _get_json(client, f"{base}/search", {"q": text, "limit": limit})
    hits = answer.get("hits")
    if not isinstance(hits, list):
        raise BackendError(f"{base}/search answered without hits: {answer!r}"[:300])
    return [str(hit["course_id"]) for hit in hits]


def fetch_catalogue(client: httpx.Client, course_url: str) -> list[CatalogueCourse]:
    """Every published course, page by page, from the course service's catalogue."""
    courses: list[CatalogueCourse] = []
    page = 1
    while True:
        answer = _get_json(
            client, f"{course_url}/courses", {"page": page, "page_size": CATALOGUE_PAGE}
        )
        items = answer.get("items")
        if not isinstance(items, list):
            raise BackendError(f"the catalogue answered without items: {answer!r}"[:300])
        courses += [
            CatalogueCourse(str(i["id"]), str(i["title"]), str(i["level"]), tuple(i["tags"]))
            for i in items
        ]
        if len(items) < CATALOGUE_PAGE:
            return courses
        page += 1


def titles_by_id(catalogue: Sequence[CatalogueCourse]) -> dict[str, str]:
    """The stable key of each course id; two courses with one title would make keys ambiguous."""
    titles = [course.title for course in catalogue]
    repeated = sorted({t for t in titles if titles.count(t) > 1})
    if repeated:
        raise BackendError(f"titles name more than one published course: {repeated[:5]}")
    return {course.id: course.title for course in catalogue}


def _get_json(client: httpx.Client, url: str, params: dict[str, str | int]) -> dict[str, object]:
    try:
        response = client.get(url, params=params, timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise BackendError(f"GET {url}: {exc}") from exc
    if response.status_code != 200:
        raise BackendError(f"GET {url} {params}: {response.status_code} {response.text[:200]}")
    body = response.json()
    if not isinstance(body, dict):
        raise BackendError(f"GET {url}: not a JSON object: {body!r}"[:300])
    return body
