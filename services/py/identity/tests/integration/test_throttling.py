"""Log-in throttling in real Redis: the 101st failure within an hour is refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from redis.asyncio import Redis

from edu.common.clock import FakeClock
from edu.common.problems import TooManyRequests
from edu.common.redis_client import connect_redis
from edu.identity.adapters.redis_throttle import RedisAttemptStore
from edu.identity.service_layer.throttling import LoginThrottle, Reservation

PASSWORD = "violet-kettle-orbit-9"


@pytest.fixture
def throttle(attempts: RedisAttemptStore) -> LoginThrottle:
    return LoginThrottle(attempts)


async def fail_times(
    throttle: LoginThrottle, account: str, address: str, times: int
) -> list[Reservation]:
    """``times`` attempts that never succeed: each stands as a failure."""
    return [await throttle.reserve(account, address) for _ in range(times)]


class TestRedisThrottle:
    async def test_the_101st_failure_for_an_account_is_refused_from_a_new_address(
        self, throttle: LoginThrottle
    ) -> None:
        for n in range(100):
            await throttle.reserve("ada@example.org", f"198.51.100.{n}")

        with pytest.raises(TooManyRequests) as refused:
            await throttle.reserve("ada@example.org", "192.0.2.2")
        assert refused.value.retry_after == 3600

    async def test_an_address_that_signed_in_before_is_exempt_from_the_account_limit(
        self, throttle: LoginThrottle
    ) -> None:
        await throttle.succeeded(await throttle.reserve("ada@example.org", "192.0.2.1"))
        for n in range(100):
            await throttle.reserve("ada@example.org", f"198.51.100.{n}")

        await throttle.reserve("ada@example.org", "192.0.2.1")
        with pytest.raises(TooManyRequests):
            await throttle.reserve("ada@example.org", "192.0.2.2")

    async def test_the_101st_failure_from_an_address_is_refused_whatever_the_account(
        self, throttle: LoginThrottle
    ) -> None:
        for n in range(100):
            await throttle.reserve(f"user{n}@example.org", "203.0.113.9")
        with pytest.raises(TooManyRequests):
            await throttle.reserve("fresh@example.org", "203.0.113.9")
        await throttle.reserve("fresh@example.org", "203.0.113.10")

    async def test_succeeded_attempts_do_not_count(self, throttle: LoginThrottle) -> None:
        for reservation in await fail_times(throttle, "ada@example.org", "198.51.100.1", 100):
            await throttle.succeeded(reservation)
        await fail_times(throttle, "ada@example.org", "198.51.100.1", 100)

    async def test_the_window_slides_so_room_returns_as_failures_age(
        self, throttle: LoginThrottle, fake_clock: FakeClock
    ) -> None:
        for _ in range(100):
            await throttle.reserve("ada@example.org", "198.51.100.1")
            fake_clock.advance(timedelta(seconds=10))
        with pytest.raises(TooManyRequests) as refused:
            await throttle.reserve("ada@example.org", "198.51.100.1")
        assert refused.value.retry_after == 3600 - 1000

        fake_clock.advance(timedelta(seconds=refused.value.retry_after))
        await throttle.reserve("ada@example.org", "198.51.100.1")  # the oldest has left
        with pytest.raises(TooManyRequests):
            await throttle.reserve("ada@example.org", "198.51.100.1")  # and only that one

    async def test_keys_expire_so_redis_does_not_fill_up(
        self, throttle: LoginThrottle, redis_client: Redis, redis_namespace: str
    ) -> None:
        await throttle.succeeded(await throttle.reserve("ada@example.org", "198.51.100.1"))
        await throttle.reserve("ada@example.org", "198.51.100.2")
        prefix = f"{redis_namespace}:"
        ttl = await redis_client.pttl(f"{prefix}login-failures:account:ada@example.org")
        assert 0 < ttl <= 3600 * 1000
        known = await redis_client.ttl(f"{prefix}login-known-addresses:ada@example.org")
        assert 0 < known <= 90 * 86_400


class TestThrottlingOverHttp:
    async def test_after_100_failed_sign_ins_from_one_address_the_next_is_a_429(
        self, client: httpx.AsyncClient
    ) -> None:
        await client.post("/auth/signup", json={"email": "ada@example.org", "password": PASSWORD})
        for _ in range(100):
            wrong = await client.post(
                "/auth/login", json={"email": "ada@example.org", "password": "wrong-password!"}
            )
            assert wrong.status_code == 401

        refused = await client.post(
            "/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
        )

        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "3600"
        assert refused.json()["type"].endswith("/too-many-requests")


class TestAfterRedisRestarts:
    async def test_a_dead_pooled_connection_is_replaced_not_a_503(
        self, redis_url: str, redis_client: Redis, redis_namespace: str
    ) -> None:
        # What a Redis restart leaves: the connection the pool kept is closed under it.
        redis = connect_redis(redis_url, timeout=2)
        try:
            store = RedisAttemptStore(redis, prefix=f"{redis_namespace}:")
            await store.reserve(["k"], limit=10, window_seconds=60)
            pooled = await redis.client_id()
            assert await redis_client.client_kill_filter(_id=str(pooled)) == 1
            await store.reserve(["k"], limit=10, window_seconds=60)
            assert await redis_client.zcard(f"{redis_namespace}:k") == 2
        finally:
            await redis.aclose()
