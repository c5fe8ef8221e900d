"""The HTTP API over ASGI with fakes behind it: tokens, pages, marking read, preferences."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from edu.auth.testing import TokenMinter
from edu.common.clock import FakeClock
from edu.notifications.domain import notifications
from edu.notifications.testing import FakeDatabase

ADA, BOB = uuid.uuid4(), uuid.uuid4()


def seed(db: FakeDatabase, clock: FakeClock, user_id: uuid.UUID, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        n = notifications.certificate_issued(user_id, "Compilers", "C-1", clock.now(), uuid.uuid4())
        db.notifications[n.id] = n
        ids.append(str(n.id))
        clock.advance(timedelta(seconds=30))
    return ids


class TestAuthentication:
    async def test_every_route_needs_a_token(self, client: httpx.AsyncClient) -> None:
        for method, path in [
            ("GET", "/notifications"),
            ("GET", "/notifications/unread-count"),
            ("POST", f"/notifications/{uuid.uuid4()}/read"),
            ("GET", "/preferences"),
        ]:
            response = await client.request(method, path)
            assert response.status_code == 401, path
            assert response.headers["content-type"] == "application/problem+json"


class TestMyNotifications:
    async def test_lists_mine_newest_first_one_page_at_a_time(
        self, client: httpx.AsyncClient, minter: TokenMinter, db: FakeDatabase, clock: FakeClock
    ) -> None:
        mine = seed(db, clock, ADA, 3)
        seed(db, clock, BOB, 1)

        page = await client.get(
            "/notifications?limit=2&offset=1", headers=minter.headers(user_id=ADA)
        )

        body = page.json()
        assert [item["id"] for item in body["items"]] == [mine[1], mine[0]]
        assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
        assert body["items"][0]["kind"] == "certificate_issued"
        assert body["items"][0]["read_at"] is None

    async def test_marking_read_updates_the_unread_count(
        self, client: httpx.AsyncClient, minter: TokenMinter, db: FakeDatabase, clock: FakeClock
    ) -> None:
        first, _ = seed(db, clock, ADA, 2)
        headers = minter.headers(user_id=ADA)

        marked = await client.post(f"/notifications/{first}/read", headers=headers)
        count = await client.get("/notifications/unread-count", headers=headers)

        assert marked.status_code == 200
        assert marked.json()["read_at"] is not None
        assert count.json() == {"unread": 1}

    async def test_marking_someone_elses_notification_is_404(
        self, client: httpx.AsyncClient, minter: TokenMinter, db: FakeDatabase, clock: FakeClock
    ) -> None:
        (bobs,) = seed(db, clock, BOB, 1)

        response = await client.post(
            f"/notifications/{bobs}/read", headers=minter.headers(user_id=ADA)
        )

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    async def test_bad_paging_and_ids_are_4xx_problems(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = minter.headers(user_id=ADA)
        for response in [
            await client.get("/notifications?limit=0", headers=headers),
            await client.get("/notifications?offset=-1", headers=headers),
            await client.post("/notifications/not-an-id/read", headers=headers),
        ]:
            assert response.status_code == 422
            assert response.headers["content-type"] == "application/problem+json"


class TestPreferences:
    async def test_reads_the_defaults_and_switches_enrollment_emails_off(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = minter.headers(user_id=ADA)

        before = await client.get("/preferences", headers=headers)
        changed = await client.put(
            "/preferences", json={"enrollment_emails": False}, headers=headers
        )
        after = await client.get("/preferences", headers=headers)

        assert before.json() == {
            "enrollment_emails": True,
            "always_sent": ["welcome", "certificate_issued"],
        }
        assert changed.json()["enrollment_emails"] is False
        assert after.json()["enrollment_emails"] is False

    async def test_an_unknown_or_mistyped_preference_is_422(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = minter.headers(user_id=ADA)
        for body in [{"certificate_emails": False}, {"enrollment_emails": "sometimes"}, {}]:
            response = await client.put("/preferences", json=body, headers=headers)
            assert response.status_code == 422, body
