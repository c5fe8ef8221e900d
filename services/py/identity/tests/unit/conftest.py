"""Fixtures for identity's unit tests: every port is a fake, the clock only moves when told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from edu.auth.keys import SigningKey
from edu.auth.tokens import TokenIssuer, TokenVerifier
from edu.common.clock import FakeClock
from edu.common.settings import Environment
from edu.identity.adapters.common_passwords import common_passwords
from edu.identity.domain.passwords import PasswordPolicy
from edu.identity.entrypoints.app import make_app
from edu.identity.service_layer.accounts import Accounts
from edu.identity.service_layer.ports import IdentityUnitOfWork
from edu.identity.service_layer.registration import Registration
from edu.identity.service_layer.sessions import Sessions
from edu.identity.service_layer.throttling import LoginThrottle, SignUpThrottle
from edu.identity.settings import IdentitySettings
from edu.identity.testing import (
    FakeAttemptStore,
    FakeIdentityUnitOfWork,
    FakePasswordHasher,
    FakeRefreshTokenRepository,
    FakeUserRepository,
)

REFRESH_TTL = timedelta(days=14)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow() -> FakeIdentityUnitOfWork:
    return FakeIdentityUnitOfWork(FakeUserRepository(), FakeRefreshTokenRepository())


@pytest.fixture
def hasher() -> FakePasswordHasher:
    return FakePasswordHasher()


@pytest.fixture
def attempts(clock: FakeClock) -> FakeAttemptStore:
    return FakeAttemptStore(clock)


@pytest.fixture
def throttle(attempts: FakeAttemptStore) -> LoginThrottle:
    return LoginThrottle(attempts)


@pytest.fixture(scope="session")
def policy() -> PasswordPolicy:
    return PasswordPolicy(common_passwords())


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def verifier(signing_key: SigningKey, clock: FakeClock) -> TokenVerifier:
    return TokenVerifier.from_keys({"keys": [signing_key.public_jwk()]}, clock=clock)


@pytest.fixture
def registration(
    uow: FakeIdentityUnitOfWork,
    hasher: FakePasswordHasher,
    policy: PasswordPolicy,
    clock: FakeClock,
    attempts: FakeAttemptStore,
) -> Registration:
    return Registration(lambda: uow, hasher, policy, clock, throttle=SignUpThrottle(attempts))


@pytest.fixture
def sessions(
    uow: FakeIdentityUnitOfWork,
    hasher: FakePasswordHasher,
    throttle: LoginThrottle,
    signing_key: SigningKey,
    clock: FakeClock,
) -> Sessions:
    issuer = TokenIssuer(signing_key, clock=clock)
    return Sessions(lambda: uow, hasher, throttle, issuer, clock, REFRESH_TTL)


@pytest.fixture
def accounts(uow: FakeIdentityUnitOfWork, clock: FakeClock) -> Accounts:
    return Accounts(lambda: uow, clock)


@pytest.fixture(scope="session")
def settings() -> IdentitySettings:
    """Frozen, so one serves every test (each pydantic-settings instance reads the environment)."""
    return IdentitySettings(
        environment=Environment.TEST,
        database_url="postgresql+asyncpg://nobody@127.0.0.1:1/identity",
        redis_url="redis://127.0.0.1:1/0",
    )


@pytest.fixture
def app(
    settings: IdentitySettings,
    uow: FakeIdentityUnitOfWork,
    hasher: FakePasswordHasher,
    attempts: FakeAttemptStore,
    signing_key: SigningKey,
    clock: FakeClock,
) -> FastAPI:
    def unit_of_work() -> IdentityUnitOfWork:
        return uow

    return make_app(
        settings,
        unit_of_work=unit_of_work,
        password_hasher=hasher,
        attempts=attempts,
        signing_key=signing_key,
        clock=clock,
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.test") as http:
        yield http
