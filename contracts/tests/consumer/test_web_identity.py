"""web -> identity: what web's real identity client (edu.web.clients) sends and reads."""

from __future__ import annotations

from typing import Any

import pytest
from pact import Pact, match

from edu.web.clients.errors import ProblemError
from edu.web.clients.identity import HttpIdentityClient
from edu.web.clients.transport import ServiceTransport

JSON = "application/json"
USER = {
    "id": match.uuid("3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10"),
    "email": match.str("new.student@example.com"),
    "roles": match.each_like("student"),
}
TOKENS = {
    "access_token": match.str("eyJhbGciOiJFUzI1NiJ9.e30.c2ln"),
    "refresh_token": match.str("r3fr3sh-t0k3n"),
    "expires_in": match.int(900),
    "refresh_expires_in": match.int(1209600),
}


def identity_pact() -> Pact:
    pact = Pact("web", "identity").with_specification("V4")
    (
        pact.upon_receiving("a new student signs up")
        .with_request("POST", "/auth/signup")
        .with_body(
            {
                "email": "new.student@example.com",
                "password": "correct horse battery",
                "teacher": False,
            },
            JSON,
        )
        .will_respond_with(201)
        .with_body(USER, JSON)
    )
    (
        pact.upon_receiving("a student logs in")
        .given("a student ada@example.com with password 'correct horse battery'")
        .with_request("POST", "/auth/login")
        .with_body({"email": "ada@example.com", "password": "correct horse battery"}, JSON)
        .will_respond_with(200)
        .with_body(TOKENS, JSON)
    )
    (
        pact.upon_receiving("a log-in with a wrong password")
        .given("a student ada@example.com with password 'correct horse battery'")
        .with_request("POST", "/auth/login")
        .with_body({"email": "ada@example.com", "password": "wrong password!"}, JSON)
        .will_respond_with(401)
        .with_body(
            {"title": match.str("Unauthenticated"), "status": 401}, "application/problem+json"
        )
    )
    (
        pact.upon_receiving("a request for the token-signing keys")
        .with_request("GET", "/.well-known/jwks.json")
        .will_respond_with(200)
        .with_body(
            {"keys": match.each_like({"kid": match.str("key-1"), "kty": match.str("EC")})}, JSON
        )
    )
    return pact


@pytest.mark.pact_pair("web", "identity")
class TestWebIdentityContract:
    async def test_web_identity_client_reads_what_identity_promises(self, pact_check: Any) -> None:
        pact = identity_pact()
        with pact.serve() as server:
            client = HttpIdentityClient(ServiceTransport("identity", str(server.url), timeout=5))
            user = await client.sign_up(
                "new.student@example.com", "correct horse battery", teacher=False
            )
            tokens = await client.log_in("ada@example.com", "correct horse battery")
            rejected = await _rejected_log_in(client)
            keys = await client.jwks()
            assert user.roles == ("student",)
            assert tokens.expires_in == 900
            assert rejected == 401
            assert keys["keys"][0]["kid"] == "key-1"
        pact_check(pact)


async def _rejected_log_in(client: HttpIdentityClient) -> int:
    try:
        await client.log_in("ada@example.com", "wrong password!")
    except ProblemError as problem:
        return problem.status
    return 0
