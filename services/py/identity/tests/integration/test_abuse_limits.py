"""The limits on guessing and sign-ups, over HTTP with real Redis: keyed on the real visitor
(forwarded by a trusted proxy), never lockable by one visitor for another (ADR 0005, 0015)."""

from __future__ import annotations

import uuid

import httpx

from edu.common.client_address import DEVELOPMENT_PROXY_TOKEN, forwarding_headers

PASSWORD = "violet-kettle-orbit-9"
OWNER = "ada@example.org"


def via_web(address: str) -> dict[str, str]:
    """What web adds to a call it makes for the visitor at ``address``."""
    return forwarding_headers(address, DEVELOPMENT_PROXY_TOKEN)


async def log_in(
    client: httpx.AsyncClient, email: str, password: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(
        "/auth/login", json={"email": email, "password": password}, headers=headers
    )


async def sign_up(
    client: httpx.AsyncClient, email: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        "/auth/signup", json={"email": email, "password": PASSWORD}, headers=headers or {}
    )


class TestVisitorsBehindAProxy:
    async def test_200_failures_of_one_visitor_leave_another_visitor_signing_in_at_once(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await sign_up(client, OWNER, via_web("198.51.100.20"))).status_code == 201
        for _ in range(200):
            await log_in(
                client, f"{uuid.uuid4().hex}@example.org", "wrong-password!", via_web("203.0.113.9")
            )
        assert (
            await log_in(client, "x@example.org", "wrong!", via_web("203.0.113.9"))
        ).status_code == 429

        answer = await log_in(client, OWNER, PASSWORD, via_web("198.51.100.20"))

        assert answer.status_code == 200

    async def test_a_forwarded_address_without_the_proxy_token_is_not_believed(
        self, client: httpx.AsyncClient
    ) -> None:
        for n in range(100):
            forged = {"X-Edu-Client-Address": f"192.0.2.{n}", "X-Edu-Proxy-Token": "guess"}
            await log_in(client, f"user{n}@example.org", "wrong-password!", forged)

        refused = await log_in(
            client, "fresh@example.org", "wrong!", {"X-Edu-Client-Address": "192.0.2.200"}
        )

        assert refused.status_code == 429  # all of them counted on the one real peer address


class TestNoLockingOthersOut:
    async def test_failures_from_many_addresses_do_not_lock_the_owner_at_a_known_address(
        self, client: httpx.AsyncClient
    ) -> None:
        home = via_web("198.51.100.20")
        assert (await sign_up(client, OWNER, home)).status_code == 201
        assert (await log_in(client, OWNER, PASSWORD, home)).status_code == 200
        for n in range(100):
            wrong = await log_in(client, OWNER, f"guess-{n}-wrong!", via_web(f"203.0.113.{n}"))
            assert wrong.status_code == 401

        owner = await log_in(client, OWNER, PASSWORD, home)
        attacker = await log_in(client, OWNER, PASSWORD, via_web("203.0.113.200"))

        assert owner.status_code == 200
        assert attacker.status_code == 429  # the account stays closed to unknown addresses
        assert int(attacker.headers["retry-after"]) > 0


class TestSignUpLimit:
    async def test_a_burst_of_40_sign_ups_from_one_address_gets_429_past_the_limit(
        self, client: httpx.AsyncClient
    ) -> None:
        answers = [
            await sign_up(client, f"burst{n}@example.org", via_web("203.0.113.50"))
            for n in range(40)
        ]

        statuses = [a.status_code for a in answers]
        assert statuses[:20] == [201] * 20
        assert statuses[20:] == [429] * 20
        refused = answers[20]
        assert refused.headers["content-type"] == "application/problem+json"
        assert 0 < int(refused.headers["retry-after"]) <= 900
        assert "sign-ups" in refused.json()["detail"]
        other = await sign_up(client, "elsewhere@example.org", via_web("198.51.100.21"))
        assert other.status_code == 201
