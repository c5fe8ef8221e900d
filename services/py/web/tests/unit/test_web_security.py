"""web's part in the platform's defences: the visitor's address forwarded to identity, its 429
shown as such, forms bound to the session, signing keys with a lifetime, a body cap, and share
links built from configuration rather than the request's Host."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from edu.auth.testing import TokenMinter
from edu.common.client_address import CLIENT_ADDRESS_HEADER, PROXY_TOKEN_HEADER
from edu.common.settings import Environment
from edu.web.access_tokens import AccessTokens
from edu.web.csrf import CSRF_COOKIE, CSRF_FIELD
from edu.web.pages.app import make_app
from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import (
    FakeCourseClient,
    FakeEnrollmentClient,
    FakeIdentityClient,
    FakeNotificationsClient,
)

CSRF_SECRET = "unit-test-csrf-secret-0123456789"
PROXY_TOKEN = "unit-test-proxy-token-0123456789"
VISITOR = "203.0.113.9"
TOKEN_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def settings(**values: Any) -> WebSettings:
    return WebSettings(
        environment=Environment.TEST,
        csrf_secret=SecretStr(CSRF_SECRET),
        proxy_token=SecretStr(PROXY_TOKEN),
        **values,
    )


def browser(app: FastAPI, address: str = VISITOR) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://web.test")


class IdentityAnswering:
    """identity behind web's real client, answering every call with ``answer``."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer = answer
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.answer


def problem(status: int, detail: str, **headers: str) -> httpx.Response:
    body = {"type": "about:blank", "title": "Too many requests", "status": status, "detail": detail}
    return httpx.Response(
        status, json=body, headers={"content-type": "application/problem+json", **headers}
    )


def app_with_identity(identity: IdentityAnswering, **values: Any) -> FastAPI:
    verifier = FakeIdentityClient().verifier
    course = FakeCourseClient(verifier=verifier)
    return make_app(
        settings(**values),
        transports={"identity": httpx.MockTransport(identity)},
        course=course,
        enrollment=FakeEnrollmentClient(courses=course),
        notifications=FakeNotificationsClient(verifier=verifier),
    )


async def log_in(site: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    form = await site.get("/login")
    token = TOKEN_INPUT.search(form.text)
    assert token is not None
    data = {"email": email, "password": password, CSRF_FIELD: token.group(1)}
    return await site.post("/login", data=data)


class TestIdentitySeesTheVisitor:
    async def test_log_in_forwards_the_visitor_address_with_the_proxy_token(self) -> None:
        identity = IdentityAnswering(problem(401, "The email address or password is not correct."))
        async with browser(app_with_identity(identity)) as site:
            await log_in(site, "ada@example.org", "wrong-password!")

        call = next(r for r in identity.seen if r.url.path == "/auth/login")
        assert call.headers[CLIENT_ADDRESS_HEADER] == VISITOR
        assert call.headers[PROXY_TOKEN_HEADER] == PROXY_TOKEN

    async def test_a_forged_address_header_from_the_visitor_is_not_passed_on(self) -> None:
        identity = IdentityAnswering(problem(401, "The email address or password is not correct."))
        async with browser(app_with_identity(identity)) as site:
            site.headers[CLIENT_ADDRESS_HEADER] = "192.0.2.1"
            await log_in(site, "ada@example.org", "wrong-password!")

        call = next(r for r in identity.seen if r.url.path == "/auth/login")
        assert call.headers[CLIENT_ADDRESS_HEADER] == VISITOR


class TestTooManyAttempts:
    async def test_identity_429_is_a_429_page_saying_when_to_try_again(self) -> None:
        identity = IdentityAnswering(
            problem(429, "Too many failed sign-in attempts.", **{"Retry-After": "1500"})
        )
        async with browser(app_with_identity(identity)) as site:
            page = await log_in(site, "ada@example.org", "violet-kettle-orbit-9")

        assert page.status_code == 429
        assert page.headers["retry-after"] == "1500"
        assert "Too many attempts" in page.text
        assert "try again in 25 minutes" in page.text


class TestCsrfBoundToTheSession:
    async def test_an_attackers_own_cookie_and_token_with_the_victims_session_is_refused(
        self,
    ) -> None:
        identity = FakeIdentityClient()
        await identity.sign_up("victim@example.org", "violet-kettle-orbit-9", teacher=False)
        course = FakeCourseClient(verifier=identity.verifier)
        app = make_app(
            settings(),
            identity=identity,
            course=course,
            enrollment=FakeEnrollmentClient(courses=course),
            notifications=FakeNotificationsClient(verifier=identity.verifier),
        )
        async with browser(app, "198.51.100.66") as attacker:
            form = await attacker.get("/login")
            token = TOKEN_INPUT.search(form.text)
            assert token is not None
            planted = {CSRF_COOKIE: attacker.cookies[CSRF_COOKIE]}
        victim_tokens = identity.tokens_for("victim@example.org")
        async with browser(app) as victim:
            victim.cookies.set(ACCESS_COOKIE, victim_tokens.access_token, domain="web.test")
            victim.cookies.set(REFRESH_COOKIE, victim_tokens.refresh_token, domain="web.test")
            victim.cookies.set(CSRF_COOKIE, planted[CSRF_COOKIE], domain="web.test")

            forged = await victim.post("/teach/become-teacher", data={CSRF_FIELD: token.group(1)})
            own_page = await victim.get("/login")
            own = TOKEN_INPUT.search(own_page.text)
            assert own is not None
            genuine = await victim.post("/logout", data={CSRF_FIELD: own.group(1)})

        assert forged.status_code == 403
        assert genuine.status_code == 303


class TestSigningKeysExpire:
    async def test_keys_are_refetched_after_their_lifetime_so_a_withdrawn_key_stops_working(
        self,
    ) -> None:
        identity, now = FakeIdentityClient(), [0.0]
        user = await identity.sign_up("ada@example.org", "violet-kettle-orbit-9", teacher=False)
        token = identity.tokens_for("ada@example.org").access_token
        tokens = AccessTokens(
            identity,
            issuer="eduplatform-identity",
            audience="eduplatform",
            keys_max_age=300.0,
            monotonic=lambda: now[0],
        )
        assert (principal := await tokens.principal(token)) is not None
        assert principal.user_id == user.id

        identity.minter = TokenMinter()  # identity rotated its key and withdrew the old one
        now[0] = 301.0

        assert await tokens.principal(token) is None

    async def test_while_identity_is_down_the_keys_in_hand_keep_verifying(self) -> None:
        identity, now = FakeIdentityClient(), [0.0]
        await identity.sign_up("ada@example.org", "violet-kettle-orbit-9", teacher=False)
        token = identity.tokens_for("ada@example.org").access_token
        tokens = AccessTokens(
            identity,
            issuer="eduplatform-identity",
            audience="eduplatform",
            keys_max_age=300.0,
            monotonic=lambda: now[0],
        )
        assert await tokens.principal(token) is not None
        identity.down = True
        now[0] = 301.0

        assert await tokens.principal(token) is not None


class TestBodyCap:
    async def test_a_20_mb_form_is_refused_413_before_it_is_read(self) -> None:
        identity = IdentityAnswering(problem(401, "no"))
        async with browser(app_with_identity(identity)) as site:
            answer = await site.post(
                "/login", content=b"x", headers={"content-length": str(20 * 1024 * 1024)}
            )

        assert answer.status_code == 413
        assert identity.seen == []


class TestShareLinks:
    async def test_the_verification_link_comes_from_configuration_not_the_host_header(
        self,
    ) -> None:
        identity = FakeIdentityClient()
        course = FakeCourseClient(verifier=identity.verifier)
        enrollment = FakeEnrollmentClient(courses=course)
        app = make_app(
            settings(public_base_url="https://learn.example.org"),
            identity=identity,
            course=course,
            enrollment=enrollment,
            notifications=FakeNotificationsClient(verifier=identity.verifier),
        )
        code = await _a_certificate(identity, course, enrollment)
        access = identity.tokens_for("ada@example.org").access_token
        async with browser(app) as site:
            site.cookies.set(ACCESS_COOKIE, access, domain="evil.example")
            page = await site.get(f"http://evil.example/certificates/{code}")

        assert page.status_code == 200
        assert f'href="https://learn.example.org/verify/{code}"' in page.text
        assert "evil.example" not in page.text

    def test_outside_development_a_public_base_url_is_required(self) -> None:
        with pytest.raises(ValueError, match="EDU_PUBLIC_BASE_URL"):
            WebSettings(
                environment=Environment.PRODUCTION,
                csrf_secret=SecretStr("a-real-csrf-secret-4b7e0c1d2a"),
                proxy_token=SecretStr("a-real-proxy-token-8d3f6a2b1c"),
            )


async def _a_certificate(
    identity: FakeIdentityClient, course: FakeCourseClient, enrollment: FakeEnrollmentClient
) -> str:
    from edu.web.clients.models import CourseDraft, LessonDraft

    await identity.sign_up("t@example.org", "violet-kettle-orbit-9", teacher=True)
    teacher = identity.tokens_for("t@example.org").access_token
    made = await course.create_course(teacher, CourseDraft(title="Intro", summary="Learn."))
    await course.add_lesson(teacher, made.id, LessonDraft(title="One", body_markdown="Hi"))
    published = await course.publish(teacher, made.id)
    await identity.sign_up("ada@example.org", "violet-kettle-orbit-9", teacher=False)
    student = identity.tokens_for("ada@example.org").access_token
    enrolled = await enrollment.enrol(student, published.id)
    lesson_id = (await course.course(published.id)).lessons[0].id
    done = await enrollment.complete_lesson(student, enrolled.id, lesson_id)
    assert done.certificate_code is not None
    return done.certificate_code
