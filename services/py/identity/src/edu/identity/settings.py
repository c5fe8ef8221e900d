"""identity's settings, read once from ``EDU_*`` environment variables."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator

from edu.auth.keys import InvalidSigningKey, SigningKey
from edu.auth.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER
from edu.common.client_address import DEVELOPMENT_PROXY_TOKEN
from edu.common.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name: ClassVar[str] = "identity"

    database_url: str = Field(description="postgresql+asyncpg://USER@HOST:PORT/identity")
    redis_url: str = Field(description="redis://HOST:PORT/DB, for log-in throttling")
    nats_url: str | None = Field(
        default=None, description="nats://HOST:PORT; when set, the outbox relay runs in-process"
    )
    # PEM of an EC P-256 private key. Missing is fine in development and test (a key is made
    # at start-up, so tokens die with the process); anywhere else the settings base refuses it.
    signing_key: SecretStr | None = None
    token_issuer: str = DEFAULT_ISSUER
    token_audience: str = DEFAULT_AUDIENCE
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=14, ge=1, le=90)
    login_failure_limit: int = Field(default=100, ge=1)
    login_failure_window_seconds: int = Field(default=3600, ge=1)
    # How long an address that signed in to an account stays exempt from that account's limit.
    login_known_address_days: int = Field(default=90, ge=1)
    signup_limit: int = Field(default=20, ge=1, description="Sign-ups per client address")
    signup_window_seconds: int = Field(default=900, ge=1)
    # Shared with the proxies (web, the api-gateway) whose X-Edu-Client-Address identity
    # believes (ADR 0015). The development value is refused outside development and test.
    proxy_token: SecretStr = DEVELOPMENT_PROXY_TOKEN
    redis_key_prefix: str = "identity:"
    database_pool_size: int = Field(default=10, ge=1, le=100)

    @field_validator("signing_key")
    @classmethod
    def _signing_key_is_a_p256_pem(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip():
            try:
                SigningKey.from_pem(value.get_secret_value())
            except InvalidSigningKey as exc:
                raise ValueError(str(exc)) from None
        return value

    @property
    def access_token_ttl(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    @property
    def refresh_token_ttl(self) -> timedelta:
        return timedelta(days=self.refresh_token_days)

    def load_signing_key(self) -> SigningKey:
        """The configured key, or a fresh one where the settings base allowed none."""
        if self.signing_key is not None and self.signing_key.get_secret_value().strip():
            return SigningKey.from_pem(self.signing_key.get_secret_value())
        return SigningKey.generate()
