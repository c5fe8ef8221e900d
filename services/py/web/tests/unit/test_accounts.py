"""Sign-up, log-in, log-out and the session cookies, over a fake identity."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from edu.common.settings import Environment
from edu.web.pages.app import make_app
from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import FakeIdentityClient

Call = Callable[..., Awaitable[Any]]
PASSWORD = "violet-kettle-orbit-9"


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


class TestSignUp:
    async def test_creates_the_account_and_signs_in_with_http_only_lax_cookies(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        answer = await submit("/signup", {"email": "ada@example.org", "password": PASSWORD})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"
        assert "ada@example.org" in identity.users
        session = set_cookies(answer)[ACCESS_COOKIE].lower()
        assert "httponly" in session
        assert "samesite=lax" in session
        assert "secure" not in session  # plain HTTP in development and test
        assert REFRESH_COOKIE in set_cookies(answer)

    async def test_a_weak_password_is_explained_next_to_the_password_field(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        page = await submit("/signup", {"email": "ada@example.org", "password": "short"})
        assert page.status_code == 422
        assert (
            '<p class="field-error" id="password-error">'
            "The password needs at least 12 characters (this one has 5).</p>" in page.text
        )
        assert 'aria-invalid="true" aria-describedby="password-error password-hint"' in page.text
        assert 'value="ada@example.org"' in page.text  # what was typed stays
        assert identity.users == {}

    async def test_a_taken_email_is_explained_next_to_the_email_field(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        await identity.sign_up("ada@example.org", PASSWORD, teacher=False)
        page = await submit("/signup", {"email": "ada@example.org", "password": PASSWORD})
        assert page.status_code == 422
        assert 'id="email-error">An account with this email already exists.' in page.text

    async def test_empty_fields_are_named_without_calling_identity(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        identity.down = True  # would turn any call into a 503
        page = await submit("/signup", {"email": " ", "password": ""})
        assert page.status_code == 422
        assert "Enter your email address." in page.text
        assert "Choose a password." in page.text

    async def test_the_token_a_page_carries_is_the_one_its_form_post_needs(
        self, site: httpx.AsyncClient, identity: FakeIdentityClient
    ) -> None:
        form = await site.get("/signup")
        token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', form.text)
        assert token is not None
        answer = await site.post(
            "/signup",
            data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert answer.status_code == 303
        assert "a@example.org" in identity.users

    async def test_a_form_without_its_csrf_token_is_refused(
        self, site: httpx.AsyncClient, identity: FakeIdentityClient
    ) -> None:
        await site.get("/signup")
        answer = await site.post("/signup", data={"email": "a@example.org", "password": PASSWORD})
        forged = await site.post(
            "/signup", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": "0" * 64}
        )
        assert (answer.status_code, forged.status_code) == (403, 403)
        assert "This form has expired" in answer.text
        assert identity.users == {}

    async def test_cookies_are_secure_outside_development(
        self, identity: FakeIdentityClient, app: FastAPI
    ) -> None:
        settings = WebSettings(
            environment=Environment.PRODUCTION,
            csrf_secret=SecretStr("a-real-secret-from-the-vault-42"),
            proxy_token=SecretStr("a-real-proxy-token-from-the-vault-7"),
            public_base_url="https://learn.example.org",
        )
        prod = make_app(
            settings,
            identity=identity,
            course=app.state.web.course,
            enrollment=app.state.web.enrollment,
            notifications=app.state.web.notifications,
        )
        transport = httpx.ASGITransport(app=prod)
        async with httpx.AsyncClient(transport=transport, base_url="https://web.test") as client:
            page = await client.get("/login")
        assert "secure" in set_cookies(page)["edu_csrf"].lower()


class TestLogIn:
    async def test_a_wrong_password_shows_a_clear_message(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        await identity.sign_up("ada@example.org", PASSWORD, teacher=False)
        page = await submit("/login", {"email": "ada@example.org", "password": "not-my-password"})
        assert page.status_code == 422
        assert 'role="alert"' in page.text
        assert "The email address or password is not correct." in page.text
        assert ACCESS_COOKIE not in set_cookies(page)

    async def test_returns_to_the_page_that_asked_for_it(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        await identity.sign_up("ada@example.org", PASSWORD, teacher=False)
        form = {"email": "ada@example.org", "password": PASSWORD, "next": "/learning?x=1"}
        answer = await submit("/login", form)
        assert answer.headers["location"] == "/learning?x=1"

    async def test_never_redirects_off_the_site(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        await identity.sign_up("ada@example.org", PASSWORD, teacher=False)
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            form = {"email": "ada@example.org", "password": PASSWORD, "next": target}
            assert (await submit("/login", form)).headers["location"] == "/learning"

    async def test_my_learning_sends_an_anonymous_visitor_to_log_in(
        self, site: httpx.AsyncClient
    ) -> None:
        answer = await site.get("/learning")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=%2Flearning"
        form = await site.get(answer.headers["location"])
        assert 'name="next" value="/learning"' in form.text


class TestSession:
    async def test_an_unusable_access_token_is_renewed_with_the_refresh_token(
        self, site: httpx.AsyncClient, sign_in: Call, identity: FakeIdentityClient
    ) -> None:
        await sign_in()
        site.cookies.set(ACCESS_COOKIE, "expired.or.garbled", domain="web.test")
        page = await site.get("/learning")
        assert page.status_code == 200
        renewed = set_cookies(page)
        assert ACCESS_COOKIE in renewed
        assert REFRESH_COOKIE in renewed
        assert len(identity.refresh_tokens) == 1  # the old one was spent, one new one issued

    async def test_a_refused_refresh_token_ends_the_session(
        self, site: httpx.AsyncClient, sign_in: Call, identity: FakeIdentityClient
    ) -> None:
        await sign_in()
        site.cookies.set(ACCESS_COOKIE, "expired.or.garbled", domain="web.test")
        identity.refresh_tokens.clear()  # revoked at identity
        answer = await site.get("/learning")
        assert answer.status_code == 303
        assert 'edu_session=""' in set_cookies(answer)[ACCESS_COOKIE]

    async def test_log_out_revokes_the_refresh_token_and_clears_the_cookies(
        self,
        site: httpx.AsyncClient,
        submit: Call,
        sign_in: Call,
        identity: FakeIdentityClient,
    ) -> None:
        await sign_in()
        refresh_token = site.cookies[REFRESH_COOKIE]
        answer = await submit("/logout", {})
        assert answer.status_code == 303
        assert identity.logged_out == [refresh_token]
        assert (await site.get("/learning")).status_code == 303  # signed out
