"""The composition root: settings in, the clients and session helpers the pages use out."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx

from edu.common.clock import Clock
from edu.web.access_tokens import AccessTokens
from edu.web.clients.analytics import AnalyticsClient, HttpAnalyticsClient
from edu.web.clients.certificate_documents import (
    CertificateDocumentsClient,
    HttpCertificateDocumentsClient,
)
from edu.web.clients.course import CourseClient, HttpCourseClient
from edu.web.clients.enrollment import EnrollmentClient, HttpEnrollmentClient
from edu.web.clients.feed import FeedReader, RedisFeedReader
from edu.web.clients.identity import HttpIdentityClient, IdentityClient
from edu.web.clients.learning_events import HttpLearningEventsClient, LearningEventsClient
from edu.web.clients.messaging import HttpMessagingClient, MessagingClient
from edu.web.clients.notifications import HttpNotificationsClient, NotificationsClient
from edu.web.clients.payments import HttpPaymentsClient, PaymentsClient
from edu.web.clients.search import HttpSearchClient, SearchClient
from edu.web.clients.teacher_tools import HttpTeacherToolsClient, TeacherToolsClient
from edu.web.clients.transport import ServiceTransport
from edu.web.clients.videos import HttpVideoClient, VideoClient
from edu.web.csrf import CsrfTokens
from edu.web.session import SharedRefresh
from edu.web.settings import WebSettings
from edu.web.visitor_address import ForwardingTransport


@dataclass
class WebContainer:
    """Everything the pages use, plus what must be closed on shutdown."""

    settings: WebSettings
    identity: IdentityClient
    course: CourseClient
    enrollment: EnrollmentClient
    notifications: NotificationsClient
    analytics: AnalyticsClient
    learning_events: LearningEventsClient
    payments: PaymentsClient
    certificate_documents: CertificateDocumentsClient
    search: SearchClient
    # course Q&A (issue 24)
    messaging: MessagingClient
    # the teacher's per-course dashboard (issue 24)
    teacher_tools: TeacherToolsClient
    # lesson videos: uploads, transcoding status, playback links (issue 25)
    videos: VideoClient
    # students' home feeds, read from Redis (edu.web.clients.feed)
    feed: FeedReader
    access_tokens: AccessTokens
    refresh: SharedRefresh
    csrf: CsrfTokens
    transports: tuple[ServiceTransport, ...] = ()

    async def close(self) -> None:
        for transport in self.transports:
            await transport.aclose()
        await self.feed.aclose()


def bootstrap(
    settings: WebSettings,
    *,
    identity: IdentityClient | None = None,
    course: CourseClient | None = None,
    enrollment: EnrollmentClient | None = None,
    notifications: NotificationsClient | None = None,
    analytics: AnalyticsClient | None = None,
    learning_events: LearningEventsClient | None = None,
    payments: PaymentsClient | None = None,
    certificate_documents: CertificateDocumentsClient | None = None,
    search: SearchClient | None = None,
    messaging: MessagingClient | None = None,
    teacher_tools: TeacherToolsClient | None = None,
    videos: VideoClient | None = None,
    feed: FeedReader | None = None,
    transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    clock: Clock | None = None,
) -> WebContainer:
    """Wire web from ``settings``. A client keyword replaces that client (unit tests pass
    fakes); ``transports`` keeps the real clients but routes a service's calls through the
    given httpx transport (integration tests pass in-process ASGI apps)."""
    opened: list[ServiceTransport] = []

    def transport(service: str, url: str) -> ServiceTransport:
        given = (transports or {}).get(service)
        if service == "identity":  # identity throttles per visitor: tell it who is asking
            given = ForwardingTransport(
                given or httpx.AsyncHTTPTransport(), proxy_token=settings.proxy_token
            )
        made = ServiceTransport(service, url, timeout=settings.service_timeout, transport=given)
        opened.append(made)
        return made

    identity = identity or HttpIdentityClient(transport("identity", settings.identity_service_url))
    course = course or HttpCourseClient(transport("course", settings.course_service_url))
    enrollment = enrollment or HttpEnrollmentClient(
        transport("enrollment", settings.enrollment_service_url)
    )
    notifications = notifications or HttpNotificationsClient(
        transport("notifications", settings.notifications_service_url)
    )
    analytics = analytics or HttpAnalyticsClient(
        transport("analytics-api", settings.analytics_api_service_url)
    )
    learning_events = learning_events or HttpLearningEventsClient(
        transport("event-ingestion", settings.event_ingestion_service_url)
    )
    payments = payments or HttpPaymentsClient(
        transport("payment-engine", settings.payment_engine_service_url)
    )
    certificate_documents = certificate_documents or HttpCertificateDocumentsClient(
        transport("certificate-generator", settings.certificate_generator_service_url)
    )
    search = search or HttpSearchClient(transport("search", settings.search_service_url))
    messaging = messaging or HttpMessagingClient(
        transport("messaging", settings.messaging_service_url)
    )
    teacher_tools = teacher_tools or HttpTeacherToolsClient(
        transport("teacher-tools", settings.teacher_tools_service_url)
    )
    videos = videos or HttpVideoClient(
        transport("video-processor", settings.video_processor_service_url)
    )
    feed = feed or RedisFeedReader(
        settings.redis_url, prefix=settings.feed_key_prefix, timeout=settings.feed_timeout
    )
    secret = settings.csrf_secret.get_secret_value().encode() if settings.csrf_secret else b""
    return WebContainer(
        settings=settings,
        identity=identity,
        course=course,
        enrollment=enrollment,
        notifications=notifications,
        analytics=analytics,
        learning_events=learning_events,
        payments=payments,
        certificate_documents=certificate_documents,
        search=search,
        messaging=messaging,
        teacher_tools=teacher_tools,
        videos=videos,
        feed=feed,
        access_tokens=AccessTokens(
            identity,
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            clock=clock,
            keys_max_age=settings.signing_keys_max_age,
        ),
        refresh=SharedRefresh(identity),
        # Without a configured secret (allowed only in development and test) forms are signed
        # with a per-process one: they go stale when the process restarts, nothing worse.
        csrf=CsrfTokens(secret or secrets.token_bytes(32)),
        transports=tuple(opened),
    )
