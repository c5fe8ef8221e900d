"""email-sender's settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from edu.common.settings import ServiceSettings


class EmailSenderSettings(ServiceSettings):
    service_name: ClassVar[str] = "email-sender"

    database_url: str = Field(description="notifications' database: postgresql+asyncpg://...")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=11025, ge=1, le=65535, description="11025: the dev mail sink")
    smtp_username: str | None = None
    # Outside development and test the settings base insists on a real value.
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    from_address: str = "eduplatform <no-reply@eduplatform.local>"
    poll_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    max_backoff_seconds: float = Field(default=60.0, gt=0, le=3600)
    max_attempts: int = Field(
        default=8, ge=1, le=100, description="Refusals by the server before an email is abandoned."
    )
