"""The course API over HTTP (ASGI transport, real PostgreSQL): flows, permissions, problems."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx

from edu.auth.testing import TokenMinter
from edu.testing.openapi_checks import undocumented

PROBLEM = "application/problem+json"


def teacher(minter: TokenMinter, user_id: UUID | None = None) -> dict[str, str]:
    return minter.headers(user_id=user_id or uuid4(), roles={"teacher"})


async def published_course(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    created = await client.post("/courses", json={"title": "Chess openings"}, headers=headers)
    course_id = created.json()["id"]
    for title in ("Italian", "Sicilian"):
        await client.post(f"/courses/{course_id}/lessons", json={"title": title}, headers=headers)
    published = await client.post(f"/courses/{course_id}/publish", headers=headers)
    assert published.status_code == 200, published.text
    body: dict[str, Any] = published.json()
    return body


class TestAuthoringFlow:
    async def test_a_teacher_builds_publishes_and_the_public_reads_the_outline(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course = await published_course(client, headers)
        public = await client.get(f"/courses/{course['id']}")
        assert public.status_code == 200
        detail = public.json()
        assert [lesson["title"] for lesson in detail["lessons"]] == ["Italian", "Sicilian"]
        assert "body_markdown" not in detail["lessons"][0]
        assert (detail["status"], detail["lesson_count"]) == ("published", 2)

    async def test_reordering_lessons_changes_the_outline(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course = await published_course(client, headers)
        reversed_ids = [lesson["id"] for lesson in reversed(course["lessons"])]
        answer = await client.put(
            f"/courses/{course['id']}/lesson-order",
            json={"lesson_ids": reversed_ids},
            headers=headers,
        )
        assert [lesson["id"] for lesson in answer.json()["lessons"]] == reversed_ids

    async def test_a_lesson_body_is_readable_once_published(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        course = await published_course(client, teacher(minter))
        lesson_id = course["lessons"][1]["id"]
        answer = await client.get(f"/courses/{course['id']}/lessons/{lesson_id}")
        assert (answer.status_code, answer.json()["position"]) == (200, 1)

    async def test_the_catalogue_finds_the_course_by_text(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        course = await published_course(client, teacher(minter))
        found = await client.get(
            "/courses", params={"q": "opening", "teacher_id": course["teacher_id"]}
        )
        assert [item["id"] for item in found.json()["items"]] == [course["id"]]


class TestPermissions:
    async def test_another_teacher_gets_a_403_problem(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        course = await published_course(client, teacher(minter))
        answer = await client.post(f"/courses/{course['id']}/unpublish", headers=teacher(minter))
        assert answer.status_code == 403
        assert answer.headers["content-type"] == PROBLEM
        assert "owns this course" in answer.json()["detail"]

    async def test_a_student_may_not_create_courses(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        answer = await client.post(
            "/courses", json={"title": "X"}, headers=minter.headers(roles={"student"})
        )
        assert (answer.status_code, answer.headers["content-type"]) == (403, PROBLEM)

    async def test_no_token_is_a_401_problem(self, client: httpx.AsyncClient) -> None:
        answer = await client.post("/courses", json={"title": "X"})
        assert (answer.status_code, answer.headers["content-type"]) == (401, PROBLEM)
        assert answer.headers["www-authenticate"] == "Bearer"

    async def test_a_forged_token_is_a_401_problem(self, client: httpx.AsyncClient) -> None:
        forged = TokenMinter().headers(roles={"teacher"})
        answer = await client.post("/courses", json={"title": "X"}, headers=forged)
        assert answer.status_code == 401

    async def test_drafts_are_invisible_to_the_public(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        draft = (await client.post("/courses", json={"title": "Draft"}, headers=headers)).json()
        assert (await client.get(f"/courses/{draft['id']}")).status_code == 404
        mine = await client.get(f"/teaching/courses/{draft['id']}", headers=headers)
        assert mine.status_code == 200


class TestProblems:
    async def test_publishing_without_lessons_is_a_409_with_a_plain_reason(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course = (await client.post("/courses", json={"title": "Empty"}, headers=headers)).json()
        answer = await client.post(f"/courses/{course['id']}/publish", headers=headers)
        assert (answer.status_code, answer.headers["content-type"]) == (409, PROBLEM)
        assert "at least one lesson" in answer.json()["detail"]

    async def test_invalid_fields_are_a_422_naming_each_field(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course = (await client.post("/courses", json={"title": "C"}, headers=headers)).json()
        answer = await client.post(
            f"/courses/{course['id']}/lessons",
            json={"title": "L", "video_url": "javascript:alert(1)", "estimated_minutes": 0},
            headers=headers,
        )
        assert (answer.status_code, answer.headers["content-type"]) == (422, PROBLEM)
        fields = {error["field"] for error in answer.json()["errors"]}
        assert fields == {"body.estimated_minutes", "body.video_url"}

    async def test_a_bad_video_url_is_a_422_documented_in_the_schema(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course = (await client.post("/courses", json={"title": "C"}, headers=headers)).json()
        answer = await client.post(
            f"/courses/{course['id']}/lessons",
            json={"title": "L", "video_url": "javascript:alert(1)"},
            headers=headers,
        )
        # The OpenAPI pattern says what the domain accepts, so the API fuzzer can trust it.
        assert answer.status_code == 422
        assert [e["field"] for e in answer.json()["errors"]] == ["body.video_url"]

    async def test_malformed_ids_and_json_are_4xx_not_500(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        assert (await client.get("/courses/not-a-uuid")).status_code == 422
        broken = await client.post(
            "/courses", content=b"{", headers={**headers, "content-type": "application/json"}
        )
        assert broken.status_code == 400
        assert (await client.get("/courses", params={"page": "0"})).status_code == 422


class TestOpenApi:
    async def test_every_operation_has_a_summary_a_response_model_and_documented_4xx(
        self, client: httpx.AsyncClient
    ) -> None:
        assert undocumented((await client.get("/openapi.json")).json()) == []
