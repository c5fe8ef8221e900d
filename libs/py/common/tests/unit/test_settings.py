from typing import ClassVar

import pytest
from pydantic import SecretStr

from edu.common.settings import (
    Environment,
    LogFormat,
    ServiceSettings,
    StartupError,
    load_settings,
)


class ExampleSettings(ServiceSettings):
    service_name: ClassVar[str] = "example"
    jwt_secret: SecretStr | None = None
    api_token: SecretStr = SecretStr("dev-only-token")
    page_size: int = 20


class TestSecretsOutsideDevelopment:
    def test_refuses_a_missing_secret_in_production_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("EDU_ENVIRONMENT", "production")
        monkeypatch.setenv("EDU_API_TOKEN", "a-real-token-123456")
        with pytest.raises(StartupError, match="EDU_JWT_SECRET") as caught:
            load_settings(ExampleSettings)
        assert "example cannot start" in str(caught.value)
        assert "EDU_API_TOKEN" not in str(caught.value)

    @pytest.mark.parametrize("placeholder", ["changeme", "dev-only-token", "", "SECRET"])
    def test_refuses_placeholder_secrets_in_staging(
        self, monkeypatch: pytest.MonkeyPatch, placeholder: str
    ) -> None:
        monkeypatch.setenv("EDU_ENVIRONMENT", "staging")
        monkeypatch.setenv("EDU_JWT_SECRET", "s3cr3t-from-the-vault")
        monkeypatch.setenv("EDU_API_TOKEN", placeholder)
        with pytest.raises(StartupError, match="EDU_API_TOKEN"):
            load_settings(ExampleSettings)

    def test_accepts_real_secrets_in_production(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("EDU_ENVIRONMENT", "production")
        monkeypatch.setenv("EDU_JWT_SECRET", "s3cr3t-from-the-vault")
        monkeypatch.setenv("EDU_API_TOKEN", "another-real-one")
        settings = load_settings(ExampleSettings)
        assert settings.jwt_secret is not None
        assert settings.jwt_secret.get_secret_value() == "s3cr3t-from-the-vault"


class TestDevelopment:
    def test_allows_placeholder_secrets(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("EDU_ENVIRONMENT", raising=False)
        settings = load_settings(ExampleSettings)
        assert settings.environment is Environment.DEVELOPMENT
        assert settings.api_token.get_secret_value() == "dev-only-token"

    def test_logs_readably_locally_and_as_json_elsewhere(self) -> None:
        assert ExampleSettings().effective_log_format() is LogFormat.CONSOLE
        ci = ExampleSettings(environment=Environment.TEST)
        assert ci.effective_log_format() is LogFormat.JSON


def test_invalid_values_become_a_startup_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EDU_PAGE_SIZE", "twenty")
    with pytest.raises(StartupError, match="EDU_PAGE_SIZE"):
        load_settings(ExampleSettings)


def test_settings_are_immutable_once_read() -> None:
    settings = ExampleSettings()
    with pytest.raises(ValueError, match="frozen"):
        settings.page_size = 5


class TestBindAddress:
    def test_listens_on_loopback_unless_told(self) -> None:
        assert str(ExampleSettings().bind_address) == "127.0.0.1"

    def test_reads_edu_bind_address(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("EDU_BIND_ADDRESS", "0.0.0.0")  # noqa: S104 - what a pod sets
        assert str(load_settings(ExampleSettings).bind_address) == "0.0.0.0"  # noqa: S104
        monkeypatch.setenv("EDU_BIND_ADDRESS", "::")
        assert load_settings(ExampleSettings).bind_address.version == 6

    def test_refuses_what_is_not_an_address_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("EDU_BIND_ADDRESS", "everywhere")
        with pytest.raises(StartupError, match="EDU_BIND_ADDRESS"):
            load_settings(ExampleSettings)
