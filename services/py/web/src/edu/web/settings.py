"""web's settings, read once from ``EDU_*`` environment variables.

The service URLs follow the ``EDU_<SERVICE>_SERVICE_URL`` names that `edu dev` sets for every
declared service (their defaults are the dev ports), so the same code runs on any ports.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.settings import Environment, ServiceSettings


class WebSettings(ServiceSettings):
    service_name: ClassVar[str] = "web"

    identity_service_url: str = "http://127.0.0.1:8001"
    course_service_url: str = "http://127.0.0.1:8002"
    enrollment_service_url: str = "http://127.0.0.1:8003"
    notifications_service_url: str = "http://127.0.0.1:8004"
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    service_timeout: float = Field(
        default=3.0, gt=0, le=30, description="Seconds for one call to a service."
    )
    # Signs the CSRF tokens of every form. Missing is fine in development and test (one is made
    # at start-up, so open forms go stale on restart); anywhere else the settings base refuses it.
    csrf_secret: SecretStr | None = None

    @property
    def secure_cookies(self) -> bool:
        """Cookies marked Secure everywhere but local development and tests over plain HTTP."""
        return not self.environment.allows_placeholder_secrets

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.DEVELOPMENT
