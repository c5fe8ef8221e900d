"""The Redis client every service makes (identity's throttle, web's feed reader).

After Redis restarts, each connection idle in the pool is dead and fails its next command once.
redis-py retries nothing by default, so every dead connection cost one caller an error (seen in
chaos: a sign-up refused 503 after Redis was back). One immediate retry on a new connection, for
connection errors only, answers it. Timeouts are not retried: a slow Redis still costs a caller
at most its timeout per attempt. A command whose connection broke after Redis ran it may run
twice: callers keep their writes idempotent or harmless when repeated (a throttle counts one
extra attempt).
"""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError


def connect_redis(url: str, *, timeout: float) -> Redis:
    """A pooled client for ``url``: ``timeout`` seconds to connect and per command, one retry on
    a fresh connection when the pooled one is dead."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry_on_timeout=False,
        retry=Retry(NoBackoff(), 1),
        retry_on_error=[RedisConnectionError],
    )
