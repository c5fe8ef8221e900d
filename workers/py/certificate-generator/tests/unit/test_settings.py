"""Settings that would print a wrong QR code are refused at start-up."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from edu.certificate_generator.settings import CertificateGeneratorSettings
from edu.common.settings import Environment


class TestSettings:
    def test_the_development_web_url_is_refused_in_production(self) -> None:
        with pytest.raises(ValidationError, match="EDU_WEB_URL must be set"):
            CertificateGeneratorSettings(
                database_url="postgresql+asyncpg://db/certificates",
                environment=Environment.PRODUCTION,
            )

    def test_a_real_web_url_is_accepted_in_production(self) -> None:
        settings = CertificateGeneratorSettings(
            database_url="postgresql+asyncpg://db/certificates",
            environment=Environment.PRODUCTION,
            web_url="https://learn.example.org",
        )
        assert settings.web_url == "https://learn.example.org"
