"""moderation settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.settings import ServiceSettings


class ModerationSettings(ServiceSettings):
    service_name: ClassVar[str] = "moderation"

    database_url: str = Field(
        description="SQLAlchemy URL of the moderation database (postgresql+asyncpg://...)."
    )
    database_pool_size: int = Field(default=5, ge=1, le=100)
    nats_url: str | None = Field(
        default=None,
        description="NATS: Q&A and course events in, the outbox's moderation.decided out.",
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    repeat_window_seconds: int = Field(
        default=600,
        ge=1,
        le=86_400,
        description="How far back an author's earlier posts count as repeats of a new one.",
    )
    max_links: int = Field(
        default=2, ge=0, le=50, description="More links than this in one text hold it."
    )
    denied_domains: list[str] = Field(
        default_factory=list,
        description="Domains whose links reject a text, beside the built-in IP loggers.",
    )
