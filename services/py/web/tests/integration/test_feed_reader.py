"""web's feed reader against a real Redis: the document the feed-builder worker writes is read
under the student's key, a student without one has none, and a Redis that does not answer is
FeedUnavailable within the reader's timeout (the home page's notice), never a hang."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from redis.asyncio import Redis

from edu.web.clients.feed import FeedUnavailable, RedisFeedReader

CONTRACT = Path(__file__).parents[5] / "contracts" / "feeds" / "feed-v1.json"
STUDENT = UUID("5b1f0000-0000-4000-8000-000000000001")


async def test_the_students_document_is_read_from_their_key(
    redis_url: str, redis_client: Redis, redis_namespace: str
) -> None:
    reader = RedisFeedReader(redis_url, prefix=redis_namespace + "fb:", timeout=1.0)
    try:
        await redis_client.set(f"{redis_namespace}fb:feed:v1:{STUDENT}", CONTRACT.read_bytes())
        feed = await reader.feed(STUDENT)
        assert feed is not None
        assert feed.recommended[0].reason.startswith("3 students who took")
        assert await reader.feed(uuid4()) is None, "a student without a feed has none"
    finally:
        await reader.aclose()


async def test_a_redis_that_does_not_answer_is_unavailable_within_the_timeout() -> None:
    with socket.socket() as listener:  # a port that accepts but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        reader = RedisFeedReader(f"redis://127.0.0.1:{port}/0", prefix="fb:", timeout=0.3)
        started = time.monotonic()
        with pytest.raises(FeedUnavailable):
            await reader.feed(STUDENT)
        assert time.monotonic() - started < 2.0
        await reader.aclose()
