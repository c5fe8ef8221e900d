"""The attempt store in Redis: a sliding-window log per key (a sorted set of attempt times)
and plain sets for known members.

One Lua script checks every key and reserves a slot under all of them atomically, so parallel
attempts on several replicas see one consistent count. Keys expire after a window of silence.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from edu.common.clock import Clock, SystemClock
from edu.identity.service_layer.throttling import ThrottleUnavailable, WindowFull

logger = logging.getLogger("edu.identity.throttle")

# KEYS: the throttle keys. ARGV: now (ms), window (ms), limit, member.
# Returns 0 when reserved, otherwise the milliseconds until the fullest key has room again.
_RESERVE = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local wait = 0
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
end
return 0
"""


class RedisAttemptStore:
    def __init__(
        self, redis: Redis, *, prefix: str = "identity:", clock: Clock | None = None
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._clock = clock or SystemClock()
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, keys: Sequence[str], *, limit: int, window_seconds: int) -> str:
        token = uuid.uuid4().hex
        now_ms = int(self._clock.now().timestamp() * 1000)
        try:
            wait_ms = int(
                await self._reserve(
                    keys=[self._prefix + key for key in keys],
                    args=[now_ms, window_seconds * 1000, limit, token],
                )
            )
        except RedisError as exc:
            raise ThrottleUnavailable() from exc
        if wait_ms > 0:
            raise WindowFull(math.ceil(wait_ms / 1000))
        return token

    async def release(self, keys: Sequence[str], token: str) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.zrem(self._prefix + key, token)
                await pipe.execute()
        except RedisError as exc:
            # The log-in already succeeded; at worst it counts as one failure for a window.
            logger.warning("could not release a log-in reservation: %s", exc)

    async def is_member(self, key: str, member: str) -> bool:
        try:
            return bool(await self._redis.sismember(self._prefix + key, member))
        except RedisError as exc:
            raise ThrottleUnavailable() from exc

    async def remember(self, key: str, member: str, *, ttl_seconds: int) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.sadd(self._prefix + key, member)
                pipe.expire(self._prefix + key, ttl_seconds)
                await pipe.execute()
        except RedisError as exc:
            # The log-in succeeded; the address is simply not exempt next time.
            logger.warning("could not remember a signed-in address: %s", exc)
