"""A durable JetStream pull consumer of domain events, with explicit acks and a dead-letter
subject (ADR 0007). ``run(stop)`` survives NATS outages: it reconnects with a growing pause.

Each message is settled by :func:`edu.events.dispositions.dispose`: acknowledged after the
handler succeeded, negatively acknowledged with a delay to be redelivered, or published to
``<dead_letter_prefix>.<original subject>`` and then acknowledged. A crash before the ack
means JetStream redelivers after ``ack_wait``: handlers must be idempotent by event id.

Domain events (``EventEnvelope`` on stream EVENTS) are the default; another stream's events
come with their own ``decoder`` (learning events on stream LEARNING:
``decoder=edu.events.learning.decode_learning``). ``on_lag`` hears, every ``lag_interval``
seconds, how far the consumer is behind (:class:`ConsumerLag`, from the server's consumer info).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, cast, overload

from edu.events.codec import DecodedEvent, decode
from edu.events.dispositions import (
    Acknowledge,
    DeadLetter,
    E,
    Redeliver,
    RedeliveryPolicy,
    dispose_decoded,
)

if TYPE_CHECKING:  # nats (and aiohttp under it) is imported when a consumer connects
    from nats.aio.client import Client as NatsClient
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext

logger = logging.getLogger("edu.events.consumer")


@dataclass(frozen=True)
class ConsumerSettings:
    durable: str
    event_types: tuple[str, ...]
    dead_letter_prefix: str  # e.g. "dlq.notifications"
    stream: str = "EVENTS"
    subject_prefix: str = "events"
    dead_letter_stream: str = "DEAD_LETTERS"
    dead_letter_subjects: str = "dlq.>"
    ack_wait: float = 30.0
    batch: int = 20
    fetch_timeout: float = 1.0
    max_reconnect_pause: float = 10.0  # the longest a consumer lags a recovered NATS
    policy: RedeliveryPolicy = field(default_factory=RedeliveryPolicy)
    lag_interval: float = 5.0  # how often on_lag hears the consumer's pending counts

    @property
    def subjects(self) -> list[str]:
        return [f"{self.subject_prefix}.{event_type}" for event_type in self.event_types]


@dataclass(frozen=True)
class ConsumerLag:
    """How far a durable consumer is behind: messages not yet delivered to it (``pending``)
    and delivered but not yet acknowledged (``ack_pending``)."""

    durable: str
    pending: int
    ack_pending: int

    @property
    def behind(self) -> int:
        return self.pending + self.ack_pending


LagListener = Callable[[ConsumerLag], None]


class DurableEventConsumer(Generic[E]):
    @overload
    def __init__(
        self: DurableEventConsumer[DecodedEvent],
        nats_url: str,
        handler: Callable[[DecodedEvent], Awaitable[object]],
        settings: ConsumerSettings,
        *,
        transient: tuple[type[BaseException], ...] = (),
        decoder: None = None,
        on_lag: LagListener | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        nats_url: str,
        handler: Callable[[E], Awaitable[object]],
        settings: ConsumerSettings,
        *,
        transient: tuple[type[BaseException], ...] = (),
        decoder: Callable[[bytes], E],
        on_lag: LagListener | None = None,
    ) -> None: ...
    def __init__(
        self,
        nats_url: str,
        handler: Callable[[Any], Awaitable[object]],
        settings: ConsumerSettings,
        *,
        transient: tuple[type[BaseException], ...] = (),
        decoder: Callable[[bytes], Any] | None = None,
        on_lag: LagListener | None = None,
    ) -> None:
        self._url = nats_url
        self._handler = handler
        self.settings = settings
        self._transient = transient
        self._decoder = cast("Callable[[bytes], E]", decoder or decode)
        self._on_lag = on_lag
        self._lag_due = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set."""
        pause = 0.5
        while not stop.is_set():
            try:
                await self._consume(stop)
                pause = 0.5
            except Exception as exc:
                logger.warning(
                    "%s: consumer failed (%r); again in %.1fs", self.settings.durable, exc, pause
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
                pause = min(pause * 2, self.settings.max_reconnect_pause)

    async def _consume(self, stop: asyncio.Event) -> None:
        import nats

        client = await nats.connect(
            self._url,
            name=f"edu-{self.settings.durable}",
            connect_timeout=2,
            max_reconnect_attempts=3,
            reconnect_time_wait=0.5,
        )
        try:
            js = client.jetstream()
            subscription = await self._subscribe(js)
            while not stop.is_set():
                await self._report_lag(js)
                try:
                    messages = await subscription.fetch(
                        self.settings.batch, timeout=self.settings.fetch_timeout
                    )
                except TimeoutError:
                    # Nothing to fetch. nats-py raises its own TimeoutError or, from a pull
                    # that expires on the server, a bare asyncio one: both mean "idle", not
                    # a broken connection worth a reconnect and a growing pause.
                    self._check(client)
                    continue
                for message in messages:
                    await self._settle(js, message)
        finally:
            await client.close()

    async def _report_lag(self, js: JetStreamContext) -> None:
        if self._on_lag is None or time.monotonic() < self._lag_due:
            return
        self._lag_due = time.monotonic() + self.settings.lag_interval
        info = await js.consumer_info(self.settings.stream, self.settings.durable)
        self._on_lag(
            ConsumerLag(self.settings.durable, info.num_pending or 0, info.num_ack_pending or 0)
        )

    def _check(self, client: NatsClient) -> None:
        # nats-py gives up reconnecting after a few tries; start over with a fresh client.
        if client.is_closed:
            raise ConnectionError("connection to NATS closed")

    async def _subscribe(self, js: JetStreamContext) -> JetStreamContext.PullSubscription:
        from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

        s = self.settings
        await _ensure_stream(js, s.stream, f"{s.subject_prefix}.>")
        await _ensure_stream(js, s.dead_letter_stream, s.dead_letter_subjects)
        # Created or updated every time, so a new event type joins the filter on deploy.
        await js.add_consumer(
            s.stream,
            ConsumerConfig(
                durable_name=s.durable,
                filter_subjects=s.subjects,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=s.ack_wait,
                max_deliver=-1,  # the dead-letter rule is ours (dispositions), not the server's
            ),
        )
        return await js.pull_subscribe_bind(durable=s.durable, stream=s.stream)

    async def _settle(self, js: JetStreamContext, message: Msg) -> None:
        deliveries = message.metadata.num_delivered
        disposition = await dispose_decoded(
            self._decoder,
            message.data,
            deliveries,
            self._handler,
            self.settings.policy,
            self._transient,
        )
        if isinstance(disposition, Acknowledge):
            await message.ack()
        elif isinstance(disposition, Redeliver):
            await message.nak(delay=disposition.delay)
        elif isinstance(disposition, DeadLetter):
            await self._dead_letter(js, message, deliveries, disposition.reason)

    async def _dead_letter(
        self, js: JetStreamContext, message: Msg, deliveries: int, reason: str
    ) -> None:
        subject = f"{self.settings.dead_letter_prefix}.{message.subject}"
        headers = {
            "Edu-Original-Subject": message.subject,
            "Edu-Deliveries": str(deliveries),
            "Edu-Reason": reason[:1000],
        }
        try:
            await js.publish(subject, message.data, headers=headers, timeout=2)
        except Exception as exc:  # keep the message: it is redelivered and dead-lettered later
            logger.warning(
                "%s: could not dead-letter to %s (%r)", self.settings.durable, subject, exc
            )
            await message.nak(delay=self.settings.policy.delay(deliveries))
            return
        logger.error(
            "%s: DEAD-LETTERED %s after %d deliveries -> %s: %s",
            self.settings.durable,
            message.subject,
            deliveries,
            subject,
            reason,
        )
        await message.ack()


async def _ensure_stream(js: JetStreamContext, name: str, subjects: str) -> None:
    from nats.js.errors import NotFoundError

    # Producers create EVENTS too; whoever starts first does it.
    try:
        await js.stream_info(name)
    except NotFoundError:
        await js.add_stream(name=name, subjects=[subjects])
