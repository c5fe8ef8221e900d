"""The whole account life cycle over HTTP, against real PostgreSQL and Redis."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from edu.auth.tokens import TokenVerifier
from edu.common.clock import FakeClock
from edu.identity.adapters.orm import outbox, refresh_token_families

PASSWORD = "violet-kettle-orbit-9"


class TestAccountLifeCycle:
    async def test_sign_up_sign_in_verify_elsewhere_refresh_and_sign_out(
        self, client: httpx.AsyncClient, fake_clock: FakeClock
    ) -> None:
        created = await client.post(
            "/auth/signup", json={"email": " Ada@Example.org ", "password": PASSWORD}
        )
        assert created.status_code == 201, created.text

        tokens = (
            await client.post(
                "/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
            )
        ).json()
        jwks = (await client.get("/.well-known/jwks.json")).json()
        principal = TokenVerifier.from_keys(jwks, clock=fake_clock).verify(tokens["access_token"])
        assert str(principal.user_id) == created.json()["id"]
        assert principal.roles == {"student"}

        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert (await client.post("/me/teacher", headers=auth)).json()["roles"] == [
            "student",
            "teacher",
        ]
        renewed = await client.post(
            "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert renewed.status_code == 200
        assert TokenVerifier.from_keys(jwks, clock=fake_clock).verify(
            renewed.json()["access_token"]
        ).roles == {
            "student",
            "teacher",
        }

        assert (
            await client.post(
                "/auth/logout", json={"refresh_token": renewed.json()["refresh_token"]}
            )
        ).status_code == 204
        gone = await client.post(
            "/auth/refresh", json={"refresh_token": renewed.json()["refresh_token"]}
        )
        assert gone.status_code == 401

    async def test_a_duplicate_sign_up_is_a_409_and_stores_nothing_more(
        self, client: httpx.AsyncClient, db_connection: AsyncConnection
    ) -> None:
        await client.post("/auth/signup", json={"email": "ada@example.org", "password": PASSWORD})
        again = await client.post(
            "/auth/signup", json={"email": "ADA@example.org", "password": PASSWORD}
        )
        assert again.status_code == 409
        assert again.headers["content-type"] == "application/problem+json"
        events = (await db_connection.execute(select(outbox.c.type))).scalars().all()
        assert events == ["user.registered"]

    async def test_replaying_a_spent_refresh_token_revokes_the_family_in_the_database(
        self, client: httpx.AsyncClient, db_connection: AsyncConnection
    ) -> None:
        await client.post("/auth/signup", json={"email": "ada@example.org", "password": PASSWORD})
        first = (
            await client.post(
                "/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
            )
        ).json()
        second = (
            await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        ).json()

        replay = await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
        after = await client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})

        assert (replay.status_code, after.status_code) == (401, 401)
        revoked = (
            (await db_connection.execute(select(refresh_token_families.c.revoked_at)))
            .scalars()
            .all()
        )
        assert len(revoked) == 1
        assert revoked[0] is not None

    async def test_unknown_email_and_wrong_password_answer_alike(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/auth/signup", json={"email": "ada@example.org", "password": PASSWORD})
        wrong = await client.post(
            "/auth/login", json={"email": "ada@example.org", "password": "not-it-at-all"}
        )
        unknown = await client.post(
            "/auth/login", json={"email": "bob@example.org", "password": PASSWORD}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json()["detail"] == unknown.json()["detail"]
