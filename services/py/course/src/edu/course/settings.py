"""Course service settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.settings import ServiceSettings


class CourseSettings(ServiceSettings):
    service_name: ClassVar[str] = "course"

    database_url: str = Field(
        description="SQLAlchemy URL of the course database (postgresql+asyncpg://...)."
    )
    database_pool_size: int = Field(default=10, ge=1, le=100)
    nats_url: str | None = Field(
        default=None, description="NATS for the outbox relay; without it events stay queued."
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
    grpc_port: int = Field(
        default=9002,
        ge=0,
        le=65535,
        description="Port of the internal gRPC server (CourseService, health) on "
        "EDU_BIND_ADDRESS (127.0.0.1 unless set); "
        "0 picks a free one (tests).",
    )
    search_service_url: str | None = Field(
        default=None,
        description="The search service (EDU_SEARCH_SERVICE_URL): the catalogue's words are "
        "ranked by it; unset or unanswering, course searches PostgreSQL itself.",
    )
    search_timeout_seconds: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="How long a catalogue search waits for the search service before course "
        "searches by itself.",
    )
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
