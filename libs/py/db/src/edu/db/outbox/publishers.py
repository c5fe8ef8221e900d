"""Where the relay sends events: NATS JetStream in production, a list in unit tests."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from edu.db.outbox.event import OutboxEvent
from edu.events import encode

if TYPE_CHECKING:  # nats (and aiohttp under it) is imported on the first connect
    from nats.aio.client import Client as NatsClient
    from nats.js import JetStreamContext

logger = logging.getLogger("edu.db.outbox")

EVENTS_STREAM = "EVENTS"
SUBJECT_PREFIX = "events"


class EventPublisher(Protocol):
    """Publishes one event; returns only once the bus has durably accepted it."""

    async def publish(self, event: OutboxEvent) -> None: ...

    async def close(self) -> None: ...


class JetStreamPublisher:
    """Publishes to JetStream subject ``<prefix>.<type>`` on ``stream``, deduplicated by id.

    The message is the event's ``edu.events.v1.EventEnvelope`` in protobuf JSON
    (``edu.events.encode``), so every payload is checked against the contract before it leaves.

    It connects lazily and creates the stream if it is missing. The NATS client retries a
    dropped connection a few times and then gives up; the next ``publish`` then connects anew,
    so an outage of any length ends in a fresh connection rather than a stuck one.
    """

    def __init__(
        self,
        nats_url: str,
        *,
        stream: str = EVENTS_STREAM,
        subject_prefix: str = SUBJECT_PREFIX,
        ack_timeout: float = 2.0,
        connect_timeout: float = 2.0,
    ) -> None:
        self.nats_url = nats_url
        self.stream = stream
        self.subject_prefix = subject_prefix
        self.ack_timeout = ack_timeout
        self.connect_timeout = connect_timeout
        self._client: NatsClient | None = None
        self._js: JetStreamContext | None = None

    async def publish(self, event: OutboxEvent) -> None:
        data = encode(event)  # first: a contract error is not the bus's fault
        js = await self._jetstream()
        await js.publish(
            f"{self.subject_prefix}.{event.type}",
            data,
            timeout=self.ack_timeout,
            headers={"Nats-Msg-Id": str(event.id)},
        )

    async def close(self) -> None:
        client, self._client, self._js = self._client, None, None
        if client is not None and not client.is_closed:
            await client.close()

    async def _jetstream(self) -> JetStreamContext:
        if self._client is not None and self._client.is_closed:
            self._client = self._js = None
        if self._js is None:
            import nats

            client = await nats.connect(
                self.nats_url,
                name="edu-outbox-relay",
                connect_timeout=self.connect_timeout,
                max_reconnect_attempts=3,
                reconnect_time_wait=0.5,
                error_cb=_log_error,
            )
            js = client.jetstream()
            try:
                await self._ensure_stream(js)
            except Exception:
                await client.close()
                raise
            self._client, self._js = client, js
        return self._js

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        from nats.js.errors import NotFoundError

        try:
            await js.stream_info(self.stream)
        except NotFoundError:
            await js.add_stream(name=self.stream, subjects=[f"{self.subject_prefix}.>"])
            logger.info("created JetStream stream %s", self.stream)


async def _log_error(error: Exception) -> None:
    # The relay reports failed publishes itself; connection noise is only worth a debug line.
    logger.debug("nats: %s", error)
