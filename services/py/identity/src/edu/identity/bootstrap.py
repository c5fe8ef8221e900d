"""The composition root: settings in, wired use cases out. Nothing connects until used."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.auth.keys import SigningKey, jwks_document
from edu.auth.tokens import TokenIssuer, TokenVerifier
from edu.common.clock import Clock, SystemClock
from edu.common.redis_client import connect_redis
from edu.db.engine import open_sessions
from edu.db.outbox import EventPublisher, OutboxRelay, service_relay
from edu.identity.adapters.argon2_hasher import Argon2PasswordHasher
from edu.identity.adapters.common_passwords import common_passwords
from edu.identity.adapters.redis_throttle import RedisAttemptStore
from edu.identity.adapters.unit_of_work import SqlAlchemyIdentityUnitOfWork
from edu.identity.domain.passwords import PasswordPolicy
from edu.identity.service_layer.accounts import Accounts
from edu.identity.service_layer.ports import (
    IdentityUnitOfWork,
    PasswordHasher,
    UnitOfWorkFactory,
)
from edu.identity.service_layer.registration import Registration
from edu.identity.service_layer.sessions import Sessions
from edu.identity.service_layer.throttling import AttemptStore, LoginThrottle, SignUpThrottle
from edu.identity.settings import IdentitySettings

logger = logging.getLogger("edu.identity")


@dataclass
class IdentityContainer:
    """Everything the entrypoints use, plus what must be closed on shutdown."""

    registration: Registration
    sessions: Sessions
    accounts: Accounts
    verifier: TokenVerifier
    jwks: dict[str, Any]
    proxy_token: SecretStr | None = None
    relay: OutboxRelay | None = None
    engine: AsyncEngine | None = None
    redis: Redis | None = None

    async def close(self) -> None:
        """Close what the lifespan opened; the relay's publisher is closed by relay_lifespan."""
        if self.redis is not None:
            await self.redis.aclose()
        if self.engine is not None:
            await self.engine.dispose()


def bootstrap(
    settings: IdentitySettings,
    *,
    sessions: async_sessionmaker[AsyncSession] | None = None,
    unit_of_work: UnitOfWorkFactory | None = None,
    attempts: AttemptStore | None = None,
    password_hasher: PasswordHasher | None = None,
    publisher: EventPublisher | None = None,
    signing_key: SigningKey | None = None,
    clock: Clock | None = None,
) -> IdentityContainer:
    """Wire identity from ``settings``; each keyword replaces one real adapter (tests).

    ``sessions`` binds the real repositories to given sessions (integration tests bind them
    to a rolled-back connection); ``unit_of_work`` replaces the repositories altogether.
    """
    clock = clock or SystemClock()
    session_maker, engine = open_sessions(
        settings.database_url, pool_size=settings.database_pool_size, given=sessions
    )

    def sql_unit_of_work() -> IdentityUnitOfWork:
        return SqlAlchemyIdentityUnitOfWork(session_maker)

    uow = unit_of_work or sql_unit_of_work

    redis = None
    if attempts is None:
        redis = connect_redis(settings.redis_url, timeout=2)
        attempts = RedisAttemptStore(redis, prefix=settings.redis_key_prefix, clock=clock)
    throttle = LoginThrottle(
        attempts,
        limit=settings.login_failure_limit,
        window_seconds=settings.login_failure_window_seconds,
        known_for_days=settings.login_known_address_days,
    )
    sign_ups = SignUpThrottle(
        attempts, limit=settings.signup_limit, window_seconds=settings.signup_window_seconds
    )
    if signing_key is None:
        if settings.signing_key is None:
            logger.warning("no EDU_SIGNING_KEY: using a key generated for this process only")
        signing_key = settings.load_signing_key()
    hasher = password_hasher or Argon2PasswordHasher()
    issuer = TokenIssuer(
        signing_key,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        ttl=settings.access_token_ttl,
        clock=clock,
    )
    jwks = jwks_document(signing_key)
    return IdentityContainer(
        registration=Registration(
            uow, hasher, PasswordPolicy(common_passwords()), clock, throttle=sign_ups
        ),
        sessions=Sessions(uow, hasher, throttle, issuer, clock, settings.refresh_token_ttl),
        accounts=Accounts(uow, clock),
        verifier=TokenVerifier.from_keys(
            jwks, issuer=settings.token_issuer, audience=settings.token_audience, clock=clock
        ),
        jwks=jwks,
        proxy_token=settings.proxy_token,
        relay=service_relay(
            session_maker, nats_url=settings.nats_url, publisher=publisher, clock=clock
        ),
        engine=engine,
        redis=redis,
    )
