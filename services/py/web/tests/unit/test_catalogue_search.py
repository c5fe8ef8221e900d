"""The catalogue's search through the search service (ADR 0025): highlights made safe, level and
tag facets, paging, refused parameters at the field, and course's own search with a notice
when search does not answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from edu.web.clients.models import CourseDraft, LessonDraft
from edu.web.highlights import highlighted
from edu.web.testing import FakeCourseClient, FakeIdentityClient, FakeSearchClient

Call = Callable[..., Awaitable[Any]]
PASSWORD = "violet-kettle-orbit-9"


async def publish(
    identity: FakeIdentityClient,
    course: FakeCourseClient,
    title: str,
    *,
    level: str = "beginner",
    tags: tuple[str, ...] = (),
    summary: str = "Learn it.",
) -> Any:
    teacher = await identity.sign_up(f"t-{len(course.courses)}@example.org", PASSWORD, teacher=True)
    token = identity.tokens_for(teacher.email).access_token
    draft = CourseDraft(title=title, summary=summary, level=level, tags=tags)
    made = await course.create_course(token, draft)
    await course.add_lesson(token, made.id, LessonDraft(title="Lesson 1"))
    return await course.publish(token, made.id)


class TestHighlights:
    def test_only_searchs_marks_become_markup(self) -> None:
        marked = "<b>Python</b> &amp; <script>alert(1)</script> &lt;b&gt;"
        assert str(highlighted(marked)) == (
            "<mark>Python</mark> &amp; &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;"
        )

    def test_a_mark_holding_markup_is_text(self) -> None:
        assert str(highlighted("<b><i>x</i></b>")) == "<mark>&lt;i&gt;x&lt;/i&gt;</mark>"


class TestSearchResults:
    async def test_words_show_search_hits_with_the_matched_words_marked(
        self,
        site: httpx.AsyncClient,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
    ) -> None:
        made = await publish(identity, course, "Python for <b>everyone</b>", tags=("python",))
        await publish(identity, course, "Baking bread")
        page = await site.get("/", params={"q": "python"})
        assert page.status_code == 200
        assert "1 course matching “python”" in page.text
        assert f'<a href="/courses/{made.id}"><mark>Python</mark> for &lt;b&gt;' in page.text
        assert "Baking bread" not in page.text
        assert "<b>everyone</b>" not in page.text  # a course's own markup stays text

    async def test_facets_offer_levels_and_tags_and_narrow_the_search(
        self,
        site: httpx.AsyncClient,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        search: FakeSearchClient,
    ) -> None:
        await publish(identity, course, "Python basics", tags=("python",))
        await publish(identity, course, "Python at scale", level="advanced", tags=("python", "ops"))
        page = await site.get("/", params={"q": "python"})
        assert '<a href="/?q=python&amp;level=advanced&amp;page=1">Advanced (1)</a>' in page.text
        assert '<a href="/?q=python&amp;tag=python&amp;page=1">python (2)</a>' in page.text
        narrowed = await site.get("/", params={"q": "python", "level": "advanced"})
        assert "1 course matching “python”" in narrowed.text
        assert "Python basics" not in narrowed.text
        assert '<strong aria-current="true">Advanced (1)</strong>' in narrowed.text
        assert '<a href="/?q=python&amp;page=1">any level</a>' in narrowed.text
        assert search.searches[-1] == ("python", "advanced", None, 12, 0)

    async def test_pages_ask_search_for_their_offset_and_keep_the_filters(
        self,
        site: httpx.AsyncClient,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        search: FakeSearchClient,
    ) -> None:
        for n in range(13):
            await publish(identity, course, f"Rust part {n}", tags=("rust",))
        page = await site.get("/", params={"q": "rust", "tag": "rust", "page": "2"})
        assert page.status_code == 200
        assert search.searches[-1] == ("rust", None, "rust", 12, 12)
        assert 'href="/?q=rust&amp;tag=rust&amp;page=1" rel="prev"' in page.text
        beyond = await site.get("/", params={"q": "rust", "page": "9"})
        assert beyond.status_code == 302
        assert beyond.headers["location"] == "/?q=rust&page=2"

    async def test_a_filter_search_refuses_is_explained_at_the_field(
        self, site: httpx.AsyncClient
    ) -> None:
        page = await site.get("/", params={"q": "python", "tag": "Not a tag!"})
        assert page.status_code == 422
        assert "The tag filter: a tag: lower-case letters" in page.text
        assert 'aria-invalid="true"' in page.text


class TestSearchUnavailable:
    async def test_course_answers_instead_and_the_page_says_so(
        self,
        site: httpx.AsyncClient,
        identity: FakeIdentityClient,
        course: FakeCourseClient,
        search: FakeSearchClient,
    ) -> None:
        await publish(identity, course, "Intro to Rust")
        search.down = True
        page = await site.get("/", params={"q": "rust"})
        assert page.status_code == 200
        assert "Our search is not answering right now" in page.text
        assert "Intro to Rust" in page.text
        assert course.searches == ["rust"]

    async def test_both_down_is_the_friendly_503_page(
        self, site: httpx.AsyncClient, course: FakeCourseClient, search: FakeSearchClient
    ) -> None:
        search.down = course.down = True
        page = await site.get("/", params={"q": "rust"})
        assert page.status_code == 503
        assert "try again in a minute" in page.text
