"""The home page's feed for signed-in students (issue 23), over a fake feed store; and the
feed document's reader against the example the feed-builder worker must write."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from edu.web.clients.feed import FeedUnavailable, HomeFeed, parse_feed
from edu.web.testing import FakeCourseClient, FakeFeedReader, FakeIdentityClient

Call = Callable[..., Awaitable[Any]]

# The document the worker writes (workers/rs/feed-builder: its test produces it exactly).
CONTRACT = Path(__file__).parents[5] / "contracts" / "feeds" / "feed-v1.json"


def user_id(identity: FakeIdentityClient, email: str) -> UUID:
    return identity.verifier.verify(identity.tokens_for(email).access_token).user_id


def feed_of(
    student: UUID, *, going: list[dict[str, Any]], next_up: list[dict[str, Any]]
) -> HomeFeed:
    document = {
        "schema": "edu.feed.v1",
        "student_id": str(student),
        "built_at": "2026-12-04T17:46:40Z",
        "continue_learning": going,
        "recommended": next_up,
    }
    return parse_feed(json.dumps(document))


class TestHomeFeed:
    async def test_a_student_sees_continue_learning_and_recommendations_with_their_reason(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        feed: FakeFeedReader,
    ) -> None:
        email = await sign_in()
        me = user_id(identity, email)
        rust, sql, lesson = uuid4(), uuid4(), uuid4()
        feed.put(
            feed_of(
                me,
                going=[
                    {
                        "course_id": str(rust),
                        "title": "Rust for beginners",
                        "progress_percent": 40,
                        "last_activity_at": "2026-12-04T17:45:07Z",
                        "next_lesson_id": str(lesson),
                    }
                ],
                next_up=[
                    {
                        "course_id": str(sql),
                        "title": "SQL in practice",
                        "students": 3,
                        "because_course_id": str(rust),
                        "because_title": "Rust for beginners",
                        "reason": "3 students who took Rust for beginners also took this",
                    }
                ],
            )
        )

        page = await site.get("/")

        assert page.status_code == 200
        assert feed.asked == [me], "only the signed-in student's own feed is read"
        assert "Continue learning" in page.text
        assert f'href="/courses/{rust}/lessons/{lesson}"' in page.text
        assert 'value="40"' in page.text
        assert "last active 4 December 2026" in page.text
        assert "Recommended for you" in page.text
        assert f'href="/courses/{sql}"' in page.text
        assert "3 students who took Rust for beginners also took this" in page.text

    async def test_a_student_without_a_feed_gets_the_empty_state(
        self, site: httpx.AsyncClient, sign_in: Call, publish_course: Call
    ) -> None:
        await publish_course("Intro to Rust")
        await sign_in()
        page = await site.get("/")
        assert page.status_code == 200
        assert "Start learning" in page.text
        assert "Continue learning" not in page.text
        assert "Intro to Rust" in page.text, "the catalogue is still there"

    async def test_an_empty_feed_is_the_empty_state_too(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        feed: FakeFeedReader,
    ) -> None:
        me = user_id(identity, await sign_in())
        feed.put(feed_of(me, going=[], next_up=[]))
        assert "Start learning" in (await site.get("/")).text

    async def test_an_unavailable_feed_is_a_notice_and_never_an_error_page(
        self, site: httpx.AsyncClient, sign_in: Call, publish_course: Call, feed: FakeFeedReader
    ) -> None:
        await publish_course("Intro to Rust")
        await sign_in()
        feed.down = True
        page = await site.get("/")
        assert page.status_code == 200
        assert "Your learning feed is not available right now" in page.text
        assert "Intro to Rust" in page.text

    async def test_a_visitor_who_is_not_signed_in_sees_the_catalogue_without_a_feed(
        self, site: httpx.AsyncClient, publish_course: Call, feed: FakeFeedReader
    ) -> None:
        await publish_course("Intro to Rust")
        page = await site.get("/")
        assert page.status_code == 200
        assert "Your learning" not in page.text
        assert feed.asked == []

    async def test_searching_and_later_pages_show_no_feed(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        publish_course: Call,
        feed: FakeFeedReader,
    ) -> None:
        await publish_course("Intro to Rust")
        await sign_in()
        found = await site.get("/", params={"q": "rust"})
        assert found.status_code == 200
        assert "Your learning" not in found.text
        assert feed.asked == []

    async def test_a_document_about_another_student_is_never_shown(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        feed: FakeFeedReader,
    ) -> None:
        me = user_id(identity, await sign_in())
        someone_else = feed_of(
            uuid4(),
            going=[{"course_id": str(uuid4()), "title": "Their secret course"}],
            next_up=[],
        )
        feed.feeds[me] = someone_else
        page = await site.get("/")
        assert "Their secret course" not in page.text
        assert "not available right now" in page.text

    async def test_titles_are_escaped(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        feed: FakeFeedReader,
    ) -> None:
        me = user_id(identity, await sign_in())
        feed.put(
            feed_of(
                me, going=[{"course_id": str(uuid4()), "title": "<script>x</script>"}], next_up=[]
            )
        )
        page = await site.get("/")
        assert "<script>x</script>" not in page.text
        assert "&lt;script&gt;x&lt;/script&gt;" in page.text

    async def test_an_unknown_title_and_next_lesson_still_link_the_course(
        self,
        site: httpx.AsyncClient,
        sign_in: Call,
        identity: FakeIdentityClient,
        feed: FakeFeedReader,
        course: FakeCourseClient,
    ) -> None:
        me = user_id(identity, await sign_in())
        course_id = uuid4()
        feed.put(feed_of(me, going=[{"course_id": str(course_id), "title": None}], next_up=[]))
        page = await site.get("/")
        assert "A course you are taking" in page.text
        assert f'href="/courses/{course_id}"' in page.text
        assert "Continue with the next lesson" not in page.text


class TestFeedDocument:
    def test_the_workers_example_document_is_read(self) -> None:
        feed = parse_feed(CONTRACT.read_text())
        assert feed.student_id == UUID("5b1f0000-0000-4000-8000-000000000001")
        first, unknown = feed.continue_learning
        assert (first.title, first.progress_percent) == ("Rust for beginners", 40)
        assert first.next_lesson_id == UUID("1e550000-0000-4000-8000-000000000003")
        assert (unknown.title, unknown.last_activity_at, unknown.next_lesson_id) == (
            None,
            None,
            None,
        )
        [recommended] = feed.recommended
        assert recommended.students == 3
        assert recommended.reason == "3 students who took Rust for beginners also took this"

    def test_fields_added_later_are_ignored(self) -> None:
        document = json.loads(CONTRACT.read_text())
        document["new_section"] = []
        document["recommended"][0]["score"] = 0.7
        assert parse_feed(json.dumps(document)).recommended[0].students == 3

    def test_an_item_whose_ids_are_not_uuids_is_left_out(self) -> None:
        document = json.loads(CONTRACT.read_text())
        document["continue_learning"][0]["course_id"] = "../../admin"
        assert len(parse_feed(json.dumps(document)).continue_learning) == 1

    @pytest.mark.parametrize(
        "raw",
        [
            "not json",
            "[]",
            '{"schema": "edu.feed.v2", "student_id": "x"}',
            '{"schema": "edu.feed.v1", "student_id": "not-a-uuid"}',
        ],
        ids=["not-json", "not-an-object", "another-schema", "bad-student"],
    )
    def test_a_document_that_cannot_be_read_is_unavailable(self, raw: str) -> None:
        with pytest.raises(FeedUnavailable):
            parse_feed(raw)
