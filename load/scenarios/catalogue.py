"""Browsing the public catalogue: what anonymous visitors do, and what students do between
lessons. Course ids are discovered from catalogue pages, never from the database."""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser
from locust.contrib.fasthttp import FastResponse

from scenarios.platform import platform

SEARCH_WORDS = ("python", "data", "design", "music", "writing", "learning", "web", "statistics")
LEVELS = ("beginner", "intermediate", "advanced")
TAGS = ("python", "project-based", "exercises", "video", "databases", "photography")
PAGE_SIZE = 20


class CatalogueBrowsing:
    """Catalogue calls for any user; remembers course ids and the number of pages it saw."""

    def __init__(self, user: FastHttpUser) -> None:
        self.user = user
        self.course_ids: list[str] = []
        self.pages = 1

    def browse(self) -> None:
        page = random.randint(1, self.pages)  # noqa: S311 - load pattern, not a secret
        found = self._page({"page": page}, "/courses")
        if found is not None:
            self.pages = max(1, -(-int(found.get("total", 0)) // PAGE_SIZE))

    def search(self) -> None:
        self._page({"q": random.choice(SEARCH_WORDS)}, "/courses?q")  # noqa: S311

    def search_index(self) -> None:
        """The search service (issue 23): typo-tolerant, ranked, with facets; its hits' course
        ids feed the outlines this visitor opens next, as the catalogue's pages do."""
        word = random.choice(SEARCH_WORDS)  # noqa: S311
        found = _json(
            self.user.client.get(f"{platform().search}/search?q={word}", name="/search?q")
        )
        if found is not None:
            ids = [hit["course_id"] for hit in found["hits"]]
            self.course_ids = (ids + self.course_ids)[:200]

    def filter(self) -> None:
        level, tag = random.choice(LEVELS), random.choice(TAGS)  # noqa: S311
        self._page({"level": level, "tag": tag}, "/courses?level&tag")

    def course(self) -> dict[str, Any] | None:
        """A published course's outline (lesson ids included); None when none is known yet."""
        if not self.course_ids:
            self.browse()
        if not self.course_ids:
            return None
        course_id = random.choice(self.course_ids)  # noqa: S311
        response = self.user.client.get(
            f"{platform().course}/courses/{course_id}", name="/courses/{course_id}"
        )
        return _json(response)

    def lesson(self) -> None:
        course = self.course()
        if course and course["lessons"]:
            lesson = random.choice(course["lessons"])  # noqa: S311
            self.user.client.get(
                f"{platform().course}/courses/{course['id']}/lessons/{lesson['id']}",
                name="/courses/{course_id}/lessons/{lesson_id}",
            )

    def _page(self, params: dict[str, Any], name: str) -> dict[str, Any] | None:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        found = _json(self.user.client.get(f"{platform().course}/courses?{query}", name=name))
        if found is not None:
            ids = [item["id"] for item in found["items"]]
            self.course_ids = (ids + self.course_ids)[:200]
        return found


def _json(response: FastResponse) -> dict[str, Any] | None:
    if response.status_code != 200:
        return None
    body: dict[str, Any] = response.json()
    return body
