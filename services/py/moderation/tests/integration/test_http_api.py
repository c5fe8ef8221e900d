"""The review queue over HTTP on a real database: auth, problem+json, idempotent decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.moderation.adapters.orm import outbox
from edu.moderation.bootstrap import ModerationContainer
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.service_layer.submissions import CourseSnapshot, Submission

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
PROBLEM = "application/problem+json"


async def held_item(service: ModerationContainer, course_id: str, teacher: UUID) -> str:
    await service.submissions.remember_owner(CourseSnapshot(course_id, str(teacher), 1))
    _, item = await service.submissions.moderate(
        Submission(
            event_id=uuid4(),
            kind=ItemKind.QUESTION,
            subject_id=str(uuid4()),
            course_id=course_id,
            author_id=str(uuid4()),
            text="WHY DOES MY UPLOAD NEVER FINISH",
            posted_at=NOON,
        )
    )
    assert item is not None
    return str(item.id)


async def decided_events(sessions: async_sessionmaker[AsyncSession], item_id: str) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.type == "moderation.decided", outbox.c.aggregate_id == item_id)
        )
    return int(count or 0)


class TestReviewQueue:
    async def test_a_teacher_lists_and_decides_a_held_item_once(
        self,
        client: httpx.AsyncClient,
        service: ModerationContainer,
        sessions: async_sessionmaker[AsyncSession],
        minter: TokenMinter,
    ) -> None:
        teacher = uuid4()
        course_id = str(uuid4())
        item_id = await held_item(service, course_id, teacher)
        headers = minter.headers(user_id=teacher, roles=["teacher"])

        queue = await client.get("/moderation/queue", headers=headers)
        assert queue.status_code == 200
        [listed] = queue.json()["items"]
        assert (listed["id"], listed["outcome"]) == (item_id, "hold")
        assert listed["reasons"][0]["code"] == "all_caps"

        first = await client.put(
            f"/moderation/items/{item_id}/decision", json={"outcome": "allow"}, headers=headers
        )
        again = await client.put(
            f"/moderation/items/{item_id}/decision", json={"outcome": "allow"}, headers=headers
        )
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        assert first.json()["reviewer_id"] == str(teacher)
        assert await decided_events(sessions, item_id) == 2  # the rules', then the teacher's

        changed = await client.put(
            f"/moderation/items/{item_id}/decision", json={"outcome": "reject"}, headers=headers
        )
        assert changed.status_code == 409
        assert changed.headers["content-type"].startswith(PROBLEM)
        assert (await client.get("/moderation/queue", headers=headers)).json()["items"] == []

    async def test_another_teacher_gets_404_and_a_student_403(
        self, client: httpx.AsyncClient, service: ModerationContainer, minter: TokenMinter
    ) -> None:
        item_id = await held_item(service, str(uuid4()), uuid4())
        other = minter.headers(roles=["teacher"])
        student = minter.headers(roles=["student"])
        assert (await client.get(f"/moderation/items/{item_id}", headers=other)).status_code == 404
        response = await client.get("/moderation/queue", headers=student)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith(PROBLEM)

    async def test_an_admin_sees_the_item_of_any_course(
        self, client: httpx.AsyncClient, service: ModerationContainer, minter: TokenMinter
    ) -> None:
        item_id = await held_item(service, str(uuid4()), uuid4())
        admin = minter.headers(roles=["admin"])
        response = await client.get(f"/moderation/items/{item_id}", headers=admin)
        assert response.status_code == 200
        assert response.json()["id"] == item_id

    async def test_bad_input_is_a_problem_never_a_500(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        admin = minter.headers(roles=["admin"])
        cases = [
            ("PUT", f"/moderation/items/{uuid4()}/decision", {"outcome": "hold"}, 422),
            ("PUT", f"/moderation/items/{uuid4()}/decision", {"outcome": "allow", "x": 1}, 422),
            ("PUT", "/moderation/items/not-a-uuid/decision", {"outcome": "allow"}, 422),
            ("PUT", f"/moderation/items/{uuid4()}/decision", {"outcome": "allow"}, 404),
            ("GET", "/moderation/queue?limit=0", None, 422),
        ]
        for method, path, body, status in cases:
            response = await client.request(method, path, json=body, headers=admin)
            assert response.status_code == status, (path, body, response.text)
            assert response.headers["content-type"].startswith(PROBLEM)
        unauthenticated = await client.get("/moderation/queue")
        assert unauthenticated.status_code == 401
        assert unauthenticated.headers["content-type"].startswith(PROBLEM)

    async def test_ready_and_health_answer(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/ready")).json() == {"status": "ready"}
        assert (await client.get("/health")).json() == {"status": "ok"}
