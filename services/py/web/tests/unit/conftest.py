"""web's app over in-memory fakes of the four clients, driven through httpx like a browser
that keeps cookies (no redirects followed, so each test sees where a page sends it).

One app serves the session: FastAPI builds an app's route state (every endpoint's dependencies
and fields) on its first request, ~25 ms per app and ~2.5 s of the unit layer when each test
built its own. Each test wires its own fresh fakes into it (``app``), so no test sees another's
accounts, courses or cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import SecretStr

from edu.common.settings import Environment
from edu.web.bootstrap import bootstrap
from edu.web.clients.models import CourseDraft, LessonDraft, TeacherCourse
from edu.web.csrf import CSRF_COOKIE, CSRF_FIELD, CsrfTokens, session_of
from edu.web.pages.app import make_app
from edu.web.session import ACCESS_COOKIE, REFRESH_COOKIE
from edu.web.settings import WebSettings
from edu.web.testing import (
    FakeAnalyticsClient,
    FakeCourseClient,
    FakeEnrollmentClient,
    FakeFeedReader,
    FakeIdentityClient,
    FakeLearningEventsClient,
    FakeMessagingClient,
    FakeNotificationsClient,
    FakePaymentsClient,
    FakeSearchClient,
    FakeTeacherToolsClient,
    FakeVideoClient,
)

CSRF_SECRET = "unit-test-csrf-secret-0123456789"
PASSWORD = "violet-kettle-orbit-9"


@pytest.fixture
def identity() -> FakeIdentityClient:
    return FakeIdentityClient()


@pytest.fixture
def course(identity: FakeIdentityClient) -> FakeCourseClient:
    return FakeCourseClient(verifier=identity.verifier)


@pytest.fixture
def enrollment(course: FakeCourseClient) -> FakeEnrollmentClient:
    return FakeEnrollmentClient(courses=course)


@pytest.fixture
def notifications(identity: FakeIdentityClient) -> FakeNotificationsClient:
    return FakeNotificationsClient(verifier=identity.verifier)


@pytest.fixture
def analytics(identity: FakeIdentityClient) -> FakeAnalyticsClient:
    return FakeAnalyticsClient(verifier=identity.verifier)


@pytest.fixture
def learning_events(identity: FakeIdentityClient) -> FakeLearningEventsClient:
    return FakeLearningEventsClient(verifier=identity.verifier)


@pytest.fixture
def payments(identity: FakeIdentityClient) -> FakePaymentsClient:
    return FakePaymentsClient(verifier=identity.verifier)


@pytest.fixture
def search(course: FakeCourseClient) -> FakeSearchClient:
    return FakeSearchClient(courses=course)


@pytest.fixture
def messaging(enrollment: FakeEnrollmentClient) -> FakeMessagingClient:
    return FakeMessagingClient(enrollments=enrollment)


@pytest.fixture
def teacher_tools(identity: FakeIdentityClient) -> FakeTeacherToolsClient:
    return FakeTeacherToolsClient(verifier=identity.verifier)


@pytest.fixture
def videos(enrollment: FakeEnrollmentClient) -> FakeVideoClient:
    return FakeVideoClient(enrollments=enrollment)


@pytest.fixture
def feed() -> FakeFeedReader:
    return FakeFeedReader()


def unit_settings() -> WebSettings:
    return WebSettings(environment=Environment.TEST, csrf_secret=SecretStr(CSRF_SECRET))


@pytest.fixture(scope="session")
def settings() -> WebSettings:
    """Frozen, so one serves every test (each pydantic-settings instance reads the environment)."""
    return unit_settings()


@pytest.fixture(scope="session")
def session_app() -> FastAPI:
    """The app every test shares (``make_app`` with the unit settings); ``app`` rewires it."""
    identity = FakeIdentityClient()
    course = FakeCourseClient(verifier=identity.verifier)
    return make_app(
        unit_settings(),
        identity=identity,
        course=course,
        enrollment=FakeEnrollmentClient(courses=course),
        notifications=FakeNotificationsClient(verifier=identity.verifier),
        analytics=FakeAnalyticsClient(verifier=identity.verifier),
        learning_events=FakeLearningEventsClient(verifier=identity.verifier),
        payments=FakePaymentsClient(verifier=identity.verifier),
        search=FakeSearchClient(courses=course),
        messaging=FakeMessagingClient(enrollments=FakeEnrollmentClient(courses=course)),
        teacher_tools=FakeTeacherToolsClient(verifier=identity.verifier),
        videos=FakeVideoClient(enrollments=FakeEnrollmentClient(courses=course)),
        feed=FakeFeedReader(),
    )


@pytest.fixture
def app(
    session_app: FastAPI,
    settings: WebSettings,
    identity: FakeIdentityClient,
    course: FakeCourseClient,
    enrollment: FakeEnrollmentClient,
    notifications: FakeNotificationsClient,
    analytics: FakeAnalyticsClient,
    learning_events: FakeLearningEventsClient,
    payments: FakePaymentsClient,
    search: FakeSearchClient,
    messaging: FakeMessagingClient,
    teacher_tools: FakeTeacherToolsClient,
    videos: FakeVideoClient,
    feed: FakeFeedReader,
) -> FastAPI:
    """The session's app wired to this test's fakes: ``bootstrap`` with the same overrides
    ``make_app`` passes it, and the container is all the app holds of them (the pages read
    ``request.app.state.web``). Settings other than the unit ones (the middleware is built
    from them) get an app of their own."""
    if settings != session_app.state.web.settings:
        return make_app(
            settings,
            identity=identity,
            course=course,
            enrollment=enrollment,
            notifications=notifications,
            analytics=analytics,
            learning_events=learning_events,
            payments=payments,
            search=search,
            messaging=messaging,
            teacher_tools=teacher_tools,
            videos=videos,
            feed=feed,
        )
    session_app.state.web = bootstrap(
        settings,
        identity=identity,
        course=course,
        enrollment=enrollment,
        notifications=notifications,
        analytics=analytics,
        learning_events=learning_events,
        payments=payments,
        search=search,
        messaging=messaging,
        teacher_tools=teacher_tools,
        videos=videos,
        feed=feed,
    )
    return session_app


@pytest_asyncio.fixture
async def site(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: the 500 page must reach the test, as it reaches a browser.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://web.test") as client:
        yield client


SubmitForm = Callable[[str, dict[str, str]], Awaitable[httpx.Response]]


@pytest.fixture
def submit(site: httpx.AsyncClient, identity: FakeIdentityClient) -> SubmitForm:
    """Post a form as a browser would: with the CSRF token its pages carry (bound to the
    session the site's cookies hold)."""

    async def post(path: str, data: dict[str, str]) -> httpx.Response:
        if CSRF_COOKIE not in site.cookies:
            await site.get("/health")  # any page hands out the CSRF cookie
        access = site.cookies.get(ACCESS_COOKIE)
        principal = identity.verifier.verify(access) if access else None
        tokens = CsrfTokens(CSRF_SECRET.encode())
        token = tokens.token_for(site.cookies[CSRF_COOKIE], session_of(principal))
        return await site.post(path, data={**data, CSRF_FIELD: token})

    return post


SignIn = Callable[..., Awaitable[str]]


@pytest.fixture
def sign_in(site: httpx.AsyncClient, identity: FakeIdentityClient) -> SignIn:
    """Make an account in the fake identity and put its session cookies in the site."""

    async def signed_in(email: str = "ada@example.org", *, teacher: bool = False) -> str:
        await identity.sign_up(email, PASSWORD, teacher=teacher)
        tokens = identity.tokens_for(email)
        site.cookies.set(ACCESS_COOKIE, tokens.access_token, domain="web.test")
        site.cookies.set(REFRESH_COOKIE, tokens.refresh_token, domain="web.test")
        return email

    return signed_in


PublishCourse = Callable[..., Awaitable[TeacherCourse]]


@pytest.fixture
def publish_course(identity: FakeIdentityClient, course: FakeCourseClient) -> PublishCourse:
    """A published course by a fresh teacher, straight into the fake course service."""

    async def published(title: str = "Intro to Rust", lessons: int = 3) -> TeacherCourse:
        teacher = await identity.sign_up(
            f"t-{len(course.courses)}@example.org", PASSWORD, teacher=True
        )
        token = identity.tokens_for(teacher.email).access_token
        made = await course.create_course(token, CourseDraft(title=title, summary="Learn it."))
        for n in range(1, lessons + 1):
            body = f"# Part {n}\n\nSome **bold** text."
            await course.add_lesson(
                token, made.id, LessonDraft(title=f"Lesson {n}", body_markdown=body)
            )
        return await course.publish(token, made.id)

    return published
