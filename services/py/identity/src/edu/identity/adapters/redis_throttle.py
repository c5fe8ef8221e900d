"""The log-in throttle in Redis: a sliding-window log per key (a sorted set of attempt times).

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
from edu.identity.service_layer.throttling import (
    DEFAULT_LIMIT,
    DEFAULT_WINDOW_SECONDS,
    Reservation,
    ThrottleUnavailable,
    too_many_failures,
)

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


class RedisLoginThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "identity:",
        limit: int = DEFAULT_LIMIT,
        window_seconds: int = DEFAULT_WINDOW_SECONDS,
        clock: Clock | None = None,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self.limit = limit
        self.window_ms = window_seconds * 1000
        self._clock = clock or SystemClock()
        self._reserve = redis.register_script(_RESERVE)

    async def reserve(self, keys: Sequence[str]) -> Reservation:
        full_keys = tuple(self._prefix + key for key in keys)
        token = uuid.uuid4().hex
        now_ms = int(self._clock.now().timestamp() * 1000)
        try:
            wait_ms = int(
                await self._reserve(
                    keys=full_keys, args=[now_ms, self.window_ms, self.limit, token]
                )
            )
        except RedisError as exc:
            raise ThrottleUnavailable() from exc
        if wait_ms > 0:
            raise too_many_failures(math.ceil(wait_ms / 1000))
        return Reservation(keys=full_keys, token=token)

    async def release(self, reservation: Reservation) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in reservation.keys:
                    pipe.zrem(key, reservation.token)
                await pipe.execute()
        except RedisError as exc:
            # The log-in already succeeded; at worst it counts as one failure for an hour.
            logger.warning("could not release a log-in reservation: %s", exc)
