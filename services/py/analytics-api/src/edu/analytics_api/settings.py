"""analytics-api's settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.common.settings import ServiceSettings


class AnalyticsApiSettings(ServiceSettings):
    service_name: ClassVar[str] = "analytics-api"

    database_url: str = Field(
        description="postgresql+asyncpg://USER@HOST:PORT/analytics; a read-only role is enough."
    )
    database_pool_size: int = Field(default=5, ge=1, le=100)
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
