"""Enrollment service settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.settings import ServiceSettings


class EnrollmentSettings(ServiceSettings):
    service_name: ClassVar[str] = "enrollment"

    database_url: str = Field(
        description="SQLAlchemy URL of the enrollment database (postgresql+asyncpg://...)."
    )
    database_pool_size: int = Field(default=10, ge=1, le=100)
    nats_url: str | None = Field(
        default=None,
        description="NATS: relays the outbox and feeds the course read model from course events.",
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify access tokens locally.",
    )
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    course_grpc_target: str = Field(
        default="127.0.0.1:9002",
        description="course's gRPC server (host:port), asked when the read model does not "
        "know a course.",
    )
    course_grpc_deadline: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="Seconds one GetCourse may take, retries on UNAVAILABLE included.",
    )
