"""Settings refuse an unsafe configuration; passwords are hashed with argon2id at OWASP cost."""

from __future__ import annotations

import pytest

from edu.auth.keys import SigningKey
from edu.common.settings import StartupError, load_settings
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.settings import IdentitySettings

URLS = {
    "database_url": "postgresql+asyncpg://u@127.0.0.1:1/identity",
    "redis_url": "redis://127.0.0.1:1/0",
}


class TestSigningKeySetting:
    def test_production_without_a_signing_key_does_not_start(self) -> None:
        with pytest.raises(StartupError, match="EDU_SIGNING_KEY"):
            load_settings(IdentitySettings, environment="production", **URLS)

    def test_production_with_a_real_key_starts_and_signs_with_it(self) -> None:
        key = SigningKey.generate()
        settings = load_settings(
            IdentitySettings,
            environment="production",
            signing_key=key.to_pem(),
            proxy_token="a-real-shared-proxy-token-5f1c9e",
            **URLS,
        )
        assert settings.load_signing_key().kid == key.kid

    def test_production_refuses_the_development_proxy_token(self) -> None:
        key = SigningKey.generate()
        with pytest.raises(StartupError, match="EDU_PROXY_TOKEN"):
            load_settings(
                IdentitySettings, environment="production", signing_key=key.to_pem(), **URLS
            )

    def test_a_key_that_is_not_p256_pem_is_refused_with_its_reason(self) -> None:
        with pytest.raises(StartupError, match="EDU_SIGNING_KEY"):
            load_settings(
                IdentitySettings, environment="test", signing_key="-----BEGIN nope", **URLS
            )

    def test_development_makes_a_key_for_the_process(self) -> None:
        settings = load_settings(IdentitySettings, environment="development", **URLS)
        assert settings.load_signing_key().kid

    def test_the_database_and_redis_must_be_named(self) -> None:
        with pytest.raises(StartupError, match="EDU_DATABASE_URL"):
            load_settings(IdentitySettings, environment="test", redis_url="redis://x")


class TestArgon2:
    async def test_hashes_with_argon2id_at_owasp_parameters(self) -> None:
        hashed = await Argon2PasswordHasher().hash("violet-kettle-orbit-9")
        assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")

    async def test_verifies_the_right_password_only(self) -> None:
        hasher = Argon2PasswordHasher.cheap_for_tests()
        hashed = await hasher.hash("violet-kettle-orbit-9")
        assert await hasher.verify(hashed, "violet-kettle-orbit-9")
        assert not await hasher.verify(hashed, "violet-kettle-orbit-8")
        assert not await hasher.verify("not a hash", "violet-kettle-orbit-9")

    async def test_a_cheaper_hash_is_upgraded_at_the_next_sign_in(self) -> None:
        cheap = await Argon2PasswordHasher.cheap_for_tests().hash("violet-kettle-orbit-9")
        assert Argon2PasswordHasher().needs_rehash(cheap)
