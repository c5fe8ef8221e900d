"""analytics-aggregator's settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from edu.common.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: ClassVar[str] = "analytics-aggregator"

    database_url: str = Field(description="postgresql+asyncpg://USER@HOST:PORT/analytics")
    database_pool_size: int = Field(default=4, ge=1, le=100)
    nats_url: str = Field(default="nats://127.0.0.1:14222", description="nats://HOST:PORT")
    max_deliveries: int = Field(
        default=5, ge=1, le=100, description="Deliveries of a failing event before dead-letter."
    )
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0, le=3600)
    consumer_batch: int = Field(default=100, ge=1, le=1000, description="Messages per fetch.")
    lag_interval_seconds: float = Field(
        default=5.0, gt=0, le=3600, description="How often the consumers' lag is read."
    )
    metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="/metrics and /health on EDU_BIND_ADDRESS (127.0.0.1 unless set); 0 picks "
        "a free port (logged at start).",
    )
