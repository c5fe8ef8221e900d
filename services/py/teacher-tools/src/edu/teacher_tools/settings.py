"""teacher-tools settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.settings import ServiceSettings


class TeacherToolsSettings(ServiceSettings):
    service_name: ClassVar[str] = "teacher-tools"

    database_url: str = Field(
        description="SQLAlchemy URL of teacher-tools' database (postgresql+asyncpg://...): the "
        "enrolments read model."
    )
    database_pool_size: int = Field(default=5, ge=1, le=100)
    nats_url: str | None = Field(
        default=None, description="NATS: enrollment's events in (the enrolments read model)."
    )
    course_service_url: str = Field(
        default="http://127.0.0.1:8002", description="course: whose course it is."
    )
    messaging_service_url: str = Field(
        default="http://127.0.0.1:8020", description="messaging: the course's Q&A history."
    )
    moderation_service_url: str = Field(
        default="http://127.0.0.1:8007", description="moderation: the review queue."
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    upstream_timeout_seconds: float = Field(
        default=2.0, gt=0, le=30, description="One call to an upstream at most."
    )
    section_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="One dashboard section (every page it reads) at most; later: unavailable.",
    )
    max_pages: int = Field(
        default=20, ge=1, le=1000, description="Pages of Q&A history or review queue read at most."
    )
