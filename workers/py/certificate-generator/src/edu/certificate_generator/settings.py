"""certificate-generator's settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, model_validator

from edu.common.settings import ServiceSettings

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
DEVELOPMENT_WEB_URL = "http://127.0.0.1:8000"


class CertificateGeneratorSettings(ServiceSettings):
    service_name: ClassVar[str] = "certificate-generator"

    database_url: str = Field(description="postgresql+asyncpg://USER@HOST:PORT/certificates")
    database_pool_size: int = Field(default=4, ge=1, le=100)
    nats_url: str = Field(default="nats://127.0.0.1:14222", description="nats://HOST:PORT")
    max_deliveries: int = Field(
        default=8,
        ge=1,
        le=100,
        description="Deliveries of a failing event before dead-letter (a certificate naming a "
        "course or person not seen yet is retried with back-off meanwhile).",
    )
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0, le=3600)
    certificate_store_dir: Path = Field(
        default=Path(".edu/certificates"),
        description="The folder the filesystem object store keeps the PDFs in.",
    )
    certificate_font_dir: Path = Field(
        default=DEJAVU, description="A folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf."
    )
    certificate_fallback_fonts: list[Path] = Field(
        default_factory=list,
        description="TrueType files for characters DejaVu lacks (e.g. a CJK font), tried in "
        'order; a JSON list: ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"].',
    )
    web_url: str = Field(
        default=DEVELOPMENT_WEB_URL,
        description="The public web front end: the QR code points at its /verify/{code} page. "
        "Required outside development and test (a printed QR code cannot be corrected).",
    )
    jwks_url: str = Field(
        default="http://127.0.0.1:8001/.well-known/jwks.json",
        description="identity's public keys, to verify the owner's access token locally.",
    )
    http_port: int = Field(
        default=8006,
        ge=0,
        le=65535,
        description="The owner's download API, /health and /ready, on EDU_BIND_ADDRESS; 0 picks "
        "a free port (logged at start).",
    )

    @model_validator(mode="after")
    def _public_web_url_outside_development(self) -> CertificateGeneratorSettings:
        if self.web_url == DEVELOPMENT_WEB_URL and not self.environment.allows_placeholder_secrets:
            raise ValueError(
                f"EDU_WEB_URL must be set when EDU_ENVIRONMENT={self.environment.value} (the "
                "public address of web: every certificate's QR code points at it)"
            )
        if not self.web_url.startswith(("https://", "http://")):
            raise ValueError("EDU_WEB_URL must be an http(s) URL such as https://learn.example.org")
        return self
