"""Log-in throttling in real Redis: the 101st failure within an hour is refused."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from redis.asyncio import Redis

from edu.common.clock import FakeClock
from edu.common.problems import TooManyRequests
from edu.identity.adapters.redis_throttle import RedisLoginThrottle
from edu.identity.service_layer.throttling import Reservation, login_keys

PASSWORD = "violet-kettle-orbit-9"


async def fail_times(
    throttle: RedisLoginThrottle, keys: list[str], times: int
) -> list[Reservation]:
    """``times`` attempts that are never released: each stands as a failure."""
    return [await throttle.reserve(keys) for _ in range(times)]


class TestRedisThrottle:
    async def test_the_101st_failure_for_an_account_is_refused(
        self, throttle: RedisLoginThrottle
    ) -> None:
        await fail_times(throttle, login_keys("ada@example.org", "198.51.100.1"), 100)

        with pytest.raises(TooManyRequests) as refused:
            await throttle.reserve(login_keys("ada@example.org", "198.51.100.2"))
        assert refused.value.retry_after == 3600

    async def test_the_101st_failure_from_an_address_is_refused_whatever_the_account(
        self, throttle: RedisLoginThrottle
    ) -> None:
        for n in range(100):
            await throttle.reserve(login_keys(f"user{n}@example.org", "203.0.113.9"))
        with pytest.raises(TooManyRequests):
            await throttle.reserve(login_keys("fresh@example.org", "203.0.113.9"))
        await throttle.reserve(login_keys("fresh@example.org", "203.0.113.10"))

    async def test_released_attempts_do_not_count(self, throttle: RedisLoginThrottle) -> None:
        keys = login_keys("ada@example.org", "198.51.100.1")
        for reservation in await fail_times(throttle, keys, 100):
            await throttle.release(reservation)
        await fail_times(throttle, keys, 100)

    async def test_the_window_slides_so_room_returns_as_failures_age(
        self, throttle: RedisLoginThrottle, fake_clock: FakeClock
    ) -> None:
        keys = login_keys("ada@example.org", "198.51.100.1")
        for _ in range(100):
            await throttle.reserve(keys)
            fake_clock.advance(timedelta(seconds=10))
        with pytest.raises(TooManyRequests) as refused:
            await throttle.reserve(keys)
        assert refused.value.retry_after == 3600 - 1000

        fake_clock.advance(timedelta(seconds=refused.value.retry_after))
        await throttle.reserve(keys)  # the oldest failure has left the window
        with pytest.raises(TooManyRequests):
            await throttle.reserve(keys)  # and only that one

    async def test_keys_expire_so_redis_does_not_fill_up(
        self, throttle: RedisLoginThrottle, redis_client: Redis, redis_namespace: str
    ) -> None:
        await throttle.reserve(login_keys("ada@example.org", "198.51.100.1"))
        ttl = await redis_client.pttl(f"{redis_namespace}:login-failures:account:ada@example.org")
        assert 0 < ttl <= 3600 * 1000


class TestThrottlingOverHttp:
    async def test_after_100_failed_sign_ins_the_next_is_a_429_with_retry_after(
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
