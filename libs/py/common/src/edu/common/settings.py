"""Settings base: one pydantic-settings class per service, read once at start-up.

Secrets are declared as ``SecretStr`` fields. Outside development and test, a secret that is
missing, empty or one of the well-known placeholder values stops the service at start-up with
a message naming the environment variable to set.
"""

from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Address
from typing import Any, ClassVar, Self, TypeVar

from pydantic import Field, IPvAnyAddress, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from edu.common.body_limit import DEFAULT_MAX_BODY_BYTES

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "password", "dev", "development", "insecure"}
)
DEV_SECRET_PREFIX = "dev-only-"  # noqa: S105 - the marker of a development-only secret


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    CI = "ci"
    STAGING = "staging"
    PRODUCTION = "production"

    @property
    def allows_placeholder_secrets(self) -> bool:
        return self in (Environment.DEVELOPMENT, Environment.TEST)


class LogFormat(StrEnum):
    AUTO = "auto"
    JSON = "json"
    CONSOLE = "console"


class StartupError(RuntimeError):
    """The service cannot start with the configuration it was given."""


class ServiceSettings(BaseSettings):
    """Fields every service shares; subclass it once per service."""

    model_config = SettingsConfigDict(
        env_prefix="EDU_", env_file=None, extra="ignore", frozen=True, validate_default=True
    )

    service_name: ClassVar[str] = "service"

    environment: Environment = Environment.DEVELOPMENT
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.AUTO
    # Bodies above this many bytes are answered 413 before they are read (edu.common.body_limit).
    max_request_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, ge=1024)
    # Where the process's own servers listen (course's gRPC, a worker's /health): 127.0.0.1 on
    # our machines and in test stacks, 0.0.0.0 in a pod (the kubelet's probes, other pods).
    # uvicorn's HTTP socket is its --host, given the same variable by the manifests.
    bind_address: IPvAnyAddress = IPv4Address("127.0.0.1")

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Self:
        if self.environment.allows_placeholder_secrets:
            return self
        bad = [
            f"EDU_{name.upper()}"
            for name, value in self._secret_fields().items()
            if value is None or _is_placeholder(value.get_secret_value())
        ]
        if bad:
            raise ValueError(
                f"{', '.join(bad)} must be set to a real secret when EDU_ENVIRONMENT="
                f"{self.environment.value} (placeholder or missing values are only allowed "
                "in development and test)"
            )
        return self

    def _secret_fields(self) -> dict[str, SecretStr | None]:
        found: dict[str, SecretStr | None] = {}
        for name, field in type(self).model_fields.items():
            annotation = field.annotation
            if annotation is SecretStr or annotation == (SecretStr | None):
                found[name] = getattr(self, name)
        return found

    def effective_log_format(self) -> LogFormat:
        if self.log_format is not LogFormat.AUTO:
            return self.log_format
        if self.environment is Environment.DEVELOPMENT:
            return LogFormat.CONSOLE
        return LogFormat.JSON


def _is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in PLACEHOLDER_SECRETS or lowered.startswith(DEV_SECRET_PREFIX)


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def load_settings(cls: type[SettingsT], **overrides: Any) -> SettingsT:
    """Read ``cls`` from the environment once, turning validation errors into a StartupError."""
    try:
        return cls(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            variable = f"EDU_{where.upper()}" if where else "configuration"
            lines.append(f"  - {variable}: {error['msg']}")
        raise StartupError(
            f"{cls.service_name} cannot start: invalid configuration\n" + "\n".join(lines)
        ) from None
