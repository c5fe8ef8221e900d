"""POST /learning-events over a fake event-ingestion: the user is stamped from the session and
never taken from the browser, bad bodies are refused naming the field, signed-out visitors'
events are dropped (401), and the lesson and catalogue pages load the script that sends them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import edu.web
from edu.web.csrf import CSRF_COOKIE, CsrfTokens, session_of
from edu.web.learning_events import MAX_BODY_BYTES
from edu.web.session import ACCESS_COOKIE
from edu.web.testing import FakeIdentityClient, FakeLearningEventsClient

Call = Callable[..., Awaitable[Any]]
CSRF_SECRET = "unit-test-csrf-secret-0123456789"  # the unit settings' (conftest.py)
COURSE, LESSON, SESSION = (str(uuid.uuid4()) for _ in range(3))


def opened(**changes: Any) -> dict[str, Any]:
    event = {
        "id": str(uuid.uuid4()),
        "type": "lesson.opened",
        "occurred_at": "2026-12-05T10:00:00.123Z",
        "session_id": SESSION,
        "course_id": COURSE,
        "lesson_opened": {"lesson_id": LESSON},
    }
    return {**event, **changes}


@pytest.fixture
def post_events(site: httpx.AsyncClient, identity: FakeIdentityClient) -> Call:
    """POST a batch as the page's script does: JSON with the page's CSRF token in the body."""

    async def post(events: list[dict[str, Any]], *, csrf: str | None = None) -> httpx.Response:
        if CSRF_COOKIE not in site.cookies:
            await site.get("/health")
        access = site.cookies.get(ACCESS_COOKIE)
        principal = identity.verifier.verify(access) if access else None
        token = CsrfTokens(CSRF_SECRET.encode()).token_for(
            site.cookies[CSRF_COOKIE], session_of(principal)
        )
        body = {"csrf_token": token if csrf is None else csrf, "events": events}
        return await site.post("/learning-events", json=body)

    return post


async def user_id(sign_in: Call, identity: FakeIdentityClient, email: str) -> str:
    await sign_in(email)
    return str(identity.verifier.verify(identity.tokens_for(email).access_token).user_id)


class TestForwarding:
    async def test_forwards_the_batch_with_the_user_of_the_session(
        self,
        post_events: Call,
        sign_in: Call,
        identity: FakeIdentityClient,
        learning_events: FakeLearningEventsClient,
    ) -> None:
        me = await user_id(sign_in, identity, "ada@example.org")
        sent = [
            opened(),
            opened(
                type="lesson.heartbeat",
                lesson_opened=None,
                lesson_heartbeat={
                    "lesson_id": LESSON,
                    "position_seconds": 15,
                    "active_seconds": 15,
                },
            ),
        ]
        sent[1].pop("lesson_opened")

        answer = await post_events(sent)

        assert answer.status_code == 202, answer.text
        assert answer.json() == {
            "accepted": [sent[0]["id"], sent[1]["id"]],
            "duplicates": [],
            "rejected": [],
        }
        ((token_user, forwarded),) = learning_events.batches
        assert str(token_user) == me
        assert [e["user_id"] for e in forwarded] == [me, me]
        assert forwarded[0] == {**sent[0], "user_id": me}
        assert forwarded[1]["lesson_heartbeat"] == {
            "lesson_id": LESSON,
            "position_seconds": 15,
            "duration_seconds": 0,
            "active_seconds": 15,
        }

    async def test_a_retried_batch_is_reported_as_duplicates(
        self, post_events: Call, sign_in: Call
    ) -> None:
        await sign_in()
        batch = [opened()]
        await post_events(batch)
        again = await post_events(batch)
        assert again.status_code == 202
        assert again.json()["duplicates"] == [batch[0]["id"]]

    async def test_a_user_id_from_the_browser_is_refused_naming_the_field(
        self,
        post_events: Call,
        sign_in: Call,
        learning_events: FakeLearningEventsClient,
    ) -> None:
        await sign_in()
        answer = await post_events([opened(), opened(user_id=str(uuid.uuid4()))])
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"] == [
            {"field": "events.1.user_id", "message": "is set by the server"}
        ]
        assert learning_events.batches == []

    @pytest.mark.parametrize(
        ("event", "field"),
        [
            (opened(id="not-a-uuid"), "events.0.id"),
            (opened(type="lesson.teleported"), "events.0.type"),
            (opened(occurred_at="yesterday"), "events.0.occurred_at"),
            (opened(occurred_at="2026-12-05T10:00:00"), "events.0.occurred_at"),  # no zone
            (
                opened(lesson_opened={"lesson_id": LESSON, "extra": 1}),
                "events.0.lesson_opened.extra",
            ),
            (opened(type="lesson.finished"), "events.0"),  # payload of another type
            (opened(course_id=None), "events.0"),
        ],
    )
    async def test_a_malformed_event_is_a_422_naming_its_field(
        self,
        post_events: Call,
        sign_in: Call,
        learning_events: FakeLearningEventsClient,
        event: dict[str, Any],
        field: str,
    ) -> None:
        await sign_in()
        if event.get("course_id") is None:
            event = {k: v for k, v in event.items() if k != "course_id"}
        answer = await post_events([event])
        assert answer.status_code == 422, answer.text
        assert field in [e["field"] for e in answer.json()["errors"]]
        assert learning_events.batches == []

    async def test_an_empty_batch_and_a_body_that_is_not_json_are_refused(
        self, site: httpx.AsyncClient, post_events: Call, sign_in: Call
    ) -> None:
        await sign_in()
        assert (await post_events([])).status_code == 422
        garbage = await site.post("/learning-events", content=b"{not json")
        assert garbage.status_code == 422
        assert "not JSON" in garbage.json()["detail"]

    async def test_a_body_over_the_bound_is_a_413_before_it_is_read(
        self, site: httpx.AsyncClient, sign_in: Call, learning_events: FakeLearningEventsClient
    ) -> None:
        await sign_in()
        await site.get("/health")
        answer = await site.post("/learning-events", content=b" " * (MAX_BODY_BYTES + 1))
        assert answer.status_code == 413
        assert answer.headers["content-type"] == "application/problem+json"
        assert learning_events.batches == []

    async def test_a_signed_out_visitors_events_are_dropped_with_401(
        self, post_events: Call, learning_events: FakeLearningEventsClient
    ) -> None:
        answer = await post_events([opened()])
        assert answer.status_code == 401
        assert "dropped" in answer.json()["detail"]
        assert learning_events.batches == []

    async def test_a_token_of_another_session_is_refused_403(
        self, post_events: Call, sign_in: Call, learning_events: FakeLearningEventsClient
    ) -> None:
        await sign_in()
        answer = await post_events([opened()], csrf="0" * 64)
        assert answer.status_code == 403
        assert "reload" in answer.json()["detail"]
        assert learning_events.batches == []

    async def test_an_ingestion_outage_is_a_503_the_script_retries_after(
        self, post_events: Call, sign_in: Call, learning_events: FakeLearningEventsClient
    ) -> None:
        await sign_in()
        learning_events.down = True
        answer = await post_events([opened()])
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == "5"


class TestPagesLoadTheScript:
    async def test_a_signed_in_students_lesson_page_configures_the_script(
        self, site: httpx.AsyncClient, sign_in: Call, publish_course: Call
    ) -> None:
        await sign_in()
        made = await publish_course()
        lesson = made.lessons[0]
        page = await site.get(f"/courses/{made.id}/lessons/{lesson.id}")
        assert '<script src="/static/learning-events.js" defer></script>' in page.text
        assert f'data-course="{made.id}" data-lesson="{lesson.id}"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        script = await site.get("/static/learning-events.js")
        assert script.status_code == 200
        assert "lesson.heartbeat" in script.text

    async def test_a_visitor_who_is_not_signed_in_gets_no_script(
        self, site: httpx.AsyncClient, publish_course: Call
    ) -> None:
        made = await publish_course()
        page = await site.get(f"/courses/{made.id}/lessons/{made.lessons[0].id}")
        assert "learning-events.js" not in page.text

    async def test_a_catalogue_search_names_its_query_and_results(
        self, site: httpx.AsyncClient, sign_in: Call, publish_course: Call
    ) -> None:
        await sign_in()
        await publish_course("Intro to Rust")
        page = await site.get("/?q=Rust")
        assert 'data-search-query="Rust" data-search-results="1"' in page.text
        assert "learning-events.js" not in (await site.get("/")).text


def test_the_script_posts_to_the_endpoint_web_serves() -> None:
    """The script and the route agree on the path and the body's fields."""
    text = (Path(edu.web.__file__).parent / "static" / "learning-events.js").read_text()
    assert '"/learning-events"' in text
    assert "csrf_token: data.csrf" in text
    assert "keepalive: true" in text
