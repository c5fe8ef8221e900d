"""identity over HTTP (ASGI, fakes behind it): status codes, problem+json, OpenAPI."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from edu.identity.service_layer.throttling import ThrottleUnavailable
from edu.identity.testing import FakeAttemptStore

PASSWORD = "violet-kettle-orbit-9"
PROBLEM = "application/problem+json"


async def sign_up(
    client: httpx.AsyncClient, email: str = "ada@example.org", **extra: Any
) -> httpx.Response:
    return await client.post("/auth/signup", json={"email": email, "password": PASSWORD, **extra})


async def log_in(
    client: httpx.AsyncClient, email: str = "ada@example.org", password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


def without_request_id(response: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "request_id"}


class TestSignUpOverHttp:
    async def test_answers_201_with_the_new_account(self, client: httpx.AsyncClient) -> None:
        response = await sign_up(client, " Ada@Example.org", teacher=True)
        assert response.status_code == 201
        body = response.json()
        assert body["email"] == "ada@example.org"
        assert body["roles"] == ["student", "teacher"]
        assert "password" not in str(body)

    async def test_a_taken_email_is_a_409_problem(self, client: httpx.AsyncClient) -> None:
        await sign_up(client)
        response = await sign_up(client, "ADA@example.org")
        assert response.status_code == 409
        assert response.headers["content-type"] == PROBLEM
        assert "already exists" in response.json()["detail"]

    @pytest.mark.parametrize(
        ("body", "status", "field"),
        [
            ({"email": "ada@example.org", "password": "short"}, 422, "body.password"),
            ({"email": "not-an-email", "password": PASSWORD}, 422, "body.email"),
            ({"email": "ada@example.org"}, 422, "body.password"),
            ({"email": 5, "password": PASSWORD}, 422, "body.email"),
            ({"email": "a@b.org", "password": PASSWORD, "admin": True}, 422, "body.admin"),
            ({"email": "a@b.org", "password": PASSWORD, "teacher": "yes"}, 422, "body.teacher"),
        ],
    )
    async def test_bad_input_is_a_4xx_naming_the_field(
        self, client: httpx.AsyncClient, body: dict[str, Any], status: int, field: str
    ) -> None:
        response = await client.post("/auth/signup", json=body)
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM
        assert field in [e["field"] for e in response.json()["errors"]]

    async def test_malformed_json_is_a_400(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/auth/signup", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert response.json()["detail"] == "The request body is not valid JSON."


class TestSignInOverHttp:
    async def test_returns_a_bearer_token_pair(self, client: httpx.AsyncClient) -> None:
        await sign_up(client)
        body = (await log_in(client)).json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        assert set(body) == {
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "refresh_expires_in",
        }

    async def test_unknown_email_and_wrong_password_get_the_same_answer(
        self, client: httpx.AsyncClient
    ) -> None:
        await sign_up(client)
        wrong = await log_in(client, password="wrong-password-1")
        unknown = await log_in(client, email="nobody@example.org")
        assert wrong.status_code == unknown.status_code == 401
        assert without_request_id(wrong) == without_request_id(unknown)

    async def test_too_many_failures_is_a_429_problem_with_retry_after(
        self, client: httpx.AsyncClient
    ) -> None:
        for _ in range(100):
            assert (await log_in(client, password="wrong-password-1")).status_code == 401
        response = await log_in(client, password="wrong-password-1")
        assert response.status_code == 429
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["retry-after"] == "3600"
        assert "Try again in 60 minutes" in response.json()["detail"]

    @pytest.mark.parametrize("attempt", [log_in, sign_up])
    async def test_with_the_throttle_store_down_it_is_a_503_problem_with_retry_after(
        self,
        client: httpx.AsyncClient,
        attempts: FakeAttemptStore,
        monkeypatch: pytest.MonkeyPatch,
        attempt: Any,
    ) -> None:
        async def unreachable(*args: object, **kwargs: object) -> str:
            raise ThrottleUnavailable()

        monkeypatch.setattr(attempts, "reserve", unreachable)
        response = await attempt(client)
        assert response.status_code == 503
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["retry-after"] == "5"
        assert "try again in a few seconds" in response.json()["detail"]


class TestTokensAndAccountOverHttp:
    async def test_me_shows_the_account_and_becoming_a_teacher_shows_after_refresh(
        self, client: httpx.AsyncClient
    ) -> None:
        await sign_up(client)
        tokens = (await log_in(client)).json()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}

        assert (await client.get("/me", headers=auth)).json()["roles"] == ["student"]
        assert (await client.post("/me/teacher", headers=auth)).json()["roles"] == [
            "student",
            "teacher",
        ]

        refreshed = await client.post(
            "/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200
        new_auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
        assert (await client.get("/me", headers=new_auth)).json()["roles"] == ["student", "teacher"]

    @pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
    async def test_me_without_a_valid_token_is_401(
        self, client: httpx.AsyncClient, header: str | None
    ) -> None:
        response = await client.get("/me", headers={"Authorization": header} if header else {})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"

    async def test_logout_then_refresh_is_401(self, client: httpx.AsyncClient) -> None:
        await sign_up(client)
        refresh_token = (await log_in(client)).json()["refresh_token"]
        assert (
            await client.post("/auth/logout", json={"refresh_token": refresh_token})
        ).status_code == 204
        response = await client.post("/auth/refresh", json={"refresh_token": refresh_token})
        assert response.status_code == 401
        assert "sign in again" in response.json()["detail"]

    async def test_serves_the_public_signing_key(self, client: httpx.AsyncClient) -> None:
        (key,) = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256")
        assert "d" not in key  # never the private part


class TestOpenApi:
    def test_every_operation_has_a_summary_a_response_model_and_problem_4xx(
        self, app: FastAPI
    ) -> None:
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                where = f"{method.upper()} {path}"
                assert operation.get("summary"), where
                success = [code for code in operation["responses"] if code.startswith("2")]
                assert success, where
                for code, response in operation["responses"].items():
                    if code.startswith("4"):
                        assert "application/problem+json" in response["content"], f"{where} {code}"

    def test_documents_the_throttling_answer_of_sign_in(self, app: FastAPI) -> None:
        responses = app.openapi()["paths"]["/auth/login"]["post"]["responses"]
        assert {"401", "422", "429"} <= set(responses)
