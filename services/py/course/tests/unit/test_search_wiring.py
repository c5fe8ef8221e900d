"""Course asks the search service only when it is given its URL (EDU_SEARCH_SERVICE_URL)."""

from __future__ import annotations

import pytest

from edu.course.bootstrap import bootstrap
from edu.course.settings import CourseSettings

DATABASE = "postgresql+asyncpg://course@127.0.0.1:1/course"  # never connected: nothing is used


class TestSearchWiring:
    @pytest.mark.parametrize(
        ("url", "asks_search"),
        [(None, False), ("", False), ("http://127.0.0.1:8013", True)],
    )
    async def test_search_is_asked_only_when_its_url_is_given(
        self, url: str | None, asks_search: bool
    ) -> None:
        settings = CourseSettings(database_url=DATABASE, search_service_url=url)
        container = bootstrap(settings)
        try:
            assert (container.search_client is not None) is asks_search
        finally:
            await container.close()
