"""web's settings, read once from ``EDU_*`` environment variables.

The service URLs follow the ``EDU_<SERVICE>_SERVICE_URL`` names that `edu dev` sets for every
declared service (their defaults are the dev ports), so the same code runs on any ports.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, field_validator, model_validator

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.client_address import DEVELOPMENT_PROXY_TOKEN
from edu.common.settings import Environment, ServiceSettings

DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"


class WebSettings(ServiceSettings):
    service_name: ClassVar[str] = "web"

    identity_service_url: str = "http://127.0.0.1:8001"
    course_service_url: str = "http://127.0.0.1:8002"
    enrollment_service_url: str = "http://127.0.0.1:8003"
    notifications_service_url: str = "http://127.0.0.1:8004"
    analytics_api_service_url: str = "http://127.0.0.1:8005"
    teacher_tools_service_url: str = "http://127.0.0.1:8008"
    event_ingestion_service_url: str = "http://127.0.0.1:8010"
    payment_engine_service_url: str = "http://127.0.0.1:8011"
    certificate_generator_service_url: str = "http://127.0.0.1:8006"
    search_service_url: str = "http://127.0.0.1:8013"
    messaging_service_url: str = "http://127.0.0.1:8020"
    # Lesson videos (issue 25): uploads, status and signed playback links, through the gateway.
    video_processor_service_url: str = "http://127.0.0.1:8014"
    # The largest lesson video the upload form takes (web relays it to video-processor in 1 MiB
    # chunks); every other request keeps EDU_MAX_REQUEST_BODY_BYTES.
    video_upload_max_bytes: int = Field(default=512 * 1024 * 1024, ge=1024 * 1024)
    # Where browsers open the Q&A's WebSocket (messaging's /ws through the api-gateway), e.g.
    # wss://learn.example.org/ws. Unset: the public site's /ws when EDU_PUBLIC_BASE_URL is set
    # (the gateway in front of web), else messaging's service URL (the gateway's, in every stack).
    qa_live_url: str | None = None
    # Students' home feeds: the feed-builder worker's documents in Redis (edu.web.clients.feed).
    redis_url: str = "redis://127.0.0.1:16379/0"
    feed_key_prefix: str = "fb:"
    feed_timeout: float = Field(
        default=0.5, gt=0, le=5, description="Seconds the home page waits for the feed."
    )
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    service_timeout: float = Field(
        default=3.0, gt=0, le=30, description="Seconds for one call to a service."
    )
    signing_keys_max_age: float = Field(
        default=300.0, gt=0, le=3600, description="Seconds identity's public keys are trusted."
    )
    # Signs the CSRF tokens of every form. Missing is fine in development and test (one is made
    # at start-up, so open forms go stale on restart); anywhere else the settings base refuses it.
    csrf_secret: SecretStr | None = None
    # Sent with the visitor's address to identity (X-Edu-Proxy-Token, ADR 0015), and what a
    # proxy in front of web (the api-gateway) must send for web to believe the address it
    # forwards. The development value is refused outside development and test.
    proxy_token: SecretStr = DEVELOPMENT_PROXY_TOKEN
    # Where visitors reach web, e.g. https://learn.example.org: absolute links (a certificate's
    # share link) are built from it, never from the request's Host header. Required outside
    # development and test; there web's own EDU_WEB_SERVICE_URL (set by `edu dev`) serves.
    public_base_url: str | None = None
    web_service_url: str | None = None

    @field_validator("public_base_url", "web_service_url")
    @classmethod
    def _an_http_origin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL such as https://learn.example.org")
        return value.rstrip("/")

    @field_validator("qa_live_url")
    @classmethod
    def _a_websocket_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("wss://", "ws://")):
            raise ValueError("must be a ws(s) URL such as wss://learn.example.org/ws")
        return value

    @property
    def qa_websocket_url(self) -> str:
        """The Q&A WebSocket's URL for browsers (``qa_live_url``, or derived as it says)."""
        if self.qa_live_url:
            return self.qa_live_url
        base = self.public_base_url or self.messaging_service_url.rstrip("/")
        return "ws" + base.removeprefix("http") + "/ws"

    @property
    def video_base_url(self) -> str:
        """Where browsers fetch a video's signed files (``/play/…`` on the gateway): the public
        site when EDU_PUBLIC_BASE_URL is set (the gateway in front of web), else
        video-processor's service URL (the gateway's, in every stack)."""
        return self.public_base_url or self.video_processor_service_url.rstrip("/")

    @property
    def video_origin(self) -> str:
        """scheme://host[:port] of :attr:`video_base_url`: what the pages' CSP lets media
        and posters come from besides web itself."""
        scheme, _, rest = self.video_base_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @property
    def qa_websocket_origin(self) -> str:
        """scheme://host[:port] of :attr:`qa_websocket_url`: what the pages' CSP lets scripts
        connect to besides web itself."""
        scheme, _, rest = self.qa_websocket_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @model_validator(mode="after")
    def _public_base_url_outside_development(self) -> WebSettings:
        if self.public_base_url is None and not self.environment.allows_placeholder_secrets:
            raise ValueError(
                f"EDU_PUBLIC_BASE_URL must be set when EDU_ENVIRONMENT={self.environment.value} "
                "(the address visitors reach web at, for absolute links)"
            )
        return self

    def public_url(self, path: str) -> str:
        """The absolute URL of ``path`` (which starts with ``/``) on the public site."""
        base = self.public_base_url or self.web_service_url or DEVELOPMENT_BASE_URL
        return base + path

    @property
    def secure_cookies(self) -> bool:
        """Cookies marked Secure everywhere but local development and tests over plain HTTP."""
        return not self.environment.allows_placeholder_secrets

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT
