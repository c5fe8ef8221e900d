"""notifications' settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.common.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    service_name: ClassVar[str] = "notifications"

    database_url: str = Field(description="postgresql+asyncpg://USER@HOST:PORT/notifications")
    database_pool_size: int = Field(default=10, ge=1, le=100)
    nats_url: str | None = Field(
        default=None, description="nats://HOST:PORT; when set, the event consumer runs in-process"
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
    web_url: str = Field(
        default="http://127.0.0.1:8000", description="The web front end, for links in emails."
    )
    max_deliveries: int = Field(
        default=5, ge=1, le=100, description="Deliveries of a failing event before dead-letter."
    )
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0, le=3600)
