"""How the clients sort the services' answers, and the session helpers around identity."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from edu.auth.testing import TokenMinter
from edu.web.access_tokens import AccessTokens, key_id
from edu.web.clients.course import HttpCourseClient
from edu.web.clients.enrollment import HttpEnrollmentClient
from edu.web.clients.errors import NotSignedIn, ProblemError, ServiceUnavailable
from edu.web.clients.models import Tokens
from edu.web.clients.transport import ServiceTransport
from edu.web.session import SharedRefresh
from edu.web.testing import FakeIdentityClient


def transport_answering(handler: Any) -> ServiceTransport:
    return ServiceTransport(
        "course", "http://course.test", timeout=1.0, transport=httpx.MockTransport(handler)
    )


class TestAnswers:
    async def test_problem_json_field_errors_are_keyed_by_the_field_name(self) -> None:
        problem = {
            "title": "Invalid",
            "detail": "See errors.",
            "status": 422,
            "errors": [
                {"field": "body.title", "message": "The title must not be empty."},
                {"field": "tags", "message": "At most 10 tags."},
            ],
        }
        http = transport_answering(lambda request: httpx.Response(422, json=problem))
        with pytest.raises(ProblemError) as raised:
            await http.call("POST", "/courses")
        assert raised.value.field_errors == {
            "title": ("The title must not be empty.",),
            "tags": ("At most 10 tags.",),
        }

    async def test_a_401_is_not_signed_in_and_any_body_is_tolerated(self) -> None:
        http = transport_answering(lambda request: httpx.Response(401, text="<html>nope"))
        with pytest.raises(NotSignedIn):
            await http.call("GET", "/teaching/courses", token="t")

    @pytest.mark.parametrize("status", [500, 502, 503])
    async def test_a_5xx_answer_is_an_unavailable_service(self, status: int) -> None:
        http = transport_answering(lambda request: httpx.Response(status))
        with pytest.raises(ServiceUnavailable, match=f"HTTP {status}"):
            await http.call("GET", "/courses")

    async def test_no_answer_is_an_unavailable_service(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        with pytest.raises(ServiceUnavailable, match="ConnectError"):
            await transport_answering(refuse).call("GET", "/courses")

    async def test_the_token_travels_as_a_bearer_header(self) -> None:
        seen: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json=[])

        assert await HttpCourseClient(transport_answering(record)).teaching_courses("abc") == []
        assert seen[0].headers["authorization"] == "Bearer abc"

    async def test_a_malformed_certificate_code_never_reaches_the_service(self) -> None:
        def fail(request: httpx.Request) -> httpx.Response:
            raise AssertionError(f"called {request.url}")

        client = HttpEnrollmentClient(transport_answering(fail))
        assert await client.certificate("../../admin") is None


class TestAccessTokens:
    async def test_a_token_signed_by_identity_names_its_user(self) -> None:
        identity = FakeIdentityClient()
        user = await identity.sign_up("ada@example.org", "violet-kettle-orbit-9", teacher=False)
        token = identity.tokens_for("ada@example.org").access_token
        principal = await AccessTokens(
            identity, issuer="eduplatform-identity", audience="eduplatform"
        ).principal(token)
        assert principal is not None
        assert principal.user_id == user.id

    async def test_an_unknown_key_refetches_the_keys_at_most_once_per_cooldown(self) -> None:
        identity, now = CountingIdentity(), [0.0]
        tokens = AccessTokens(
            identity,
            issuer="eduplatform-identity",
            audience="eduplatform",
            refetch_cooldown=30.0,
            monotonic=lambda: now[0],
        )
        stranger = TokenMinter().mint()  # signed by a key identity never published
        assert await tokens.principal(stranger) is None
        assert await tokens.principal(stranger) is None
        now[0] = 31.0
        assert await tokens.principal(stranger) is None
        assert identity.jwks_calls == 2

    async def test_garbage_is_nobody(self) -> None:
        tokens = AccessTokens(CountingIdentity(), issuer="i", audience="a")
        assert await tokens.principal("not a token") is None
        assert key_id("e30.e30.sig") is None  # a header without kid


class TestSharedRefresh:
    async def test_concurrent_requests_spend_the_refresh_token_once(self) -> None:
        identity = CountingIdentity()
        shared = SharedRefresh(identity)
        first, second = await asyncio.gather(shared.refresh("r1"), shared.refresh("r1"))
        assert first == second
        assert identity.refresh_calls == 1

    async def test_an_unreachable_identity_is_asked_again_next_time(self) -> None:
        identity = CountingIdentity()
        identity.down = True
        shared = SharedRefresh(identity)
        with pytest.raises(ServiceUnavailable):
            await shared.refresh("r1")
        identity.down = False
        assert (await shared.refresh("r1")).access_token == "a2"


class CountingIdentity(FakeIdentityClient):
    jwks_calls = 0
    refresh_calls = 0

    async def jwks(self) -> dict[str, Any]:
        self.jwks_calls += 1
        return await super().jwks()

    async def refresh(self, refresh_token: str) -> Tokens:
        self.answer()
        self.refresh_calls += 1
        await asyncio.sleep(0)  # let the second request arrive while the first waits
        return Tokens(
            access_token=f"a{self.refresh_calls + 1}",
            refresh_token="r2",
            expires_in=900,
            refresh_expires_in=3600,
        )
