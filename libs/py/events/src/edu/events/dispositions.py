"""What a consumer does with one delivered message: acknowledge, redeliver or dead-letter.

Kept apart from NATS so the rules are unit-tested with a fake handler:

* bytes the consumer's decoder refuses (``MalformedEvent``: not an event envelope, or not a
  learning event for ``edu.events.learning.decode_learning``) can never succeed: dead-letter
  at once;
* the handler failed because infrastructure is unavailable (a ``transient`` error, e.g. the
  database is down): redeliver after a pause, never dead-letter; the message is not at fault,
  and dead-lettering would empty the stream into the DLQ during an outage;
* the handler failed otherwise: redeliver with exponential backoff until the message has been
  delivered ``max_deliveries`` times, then dead-letter it so the consumer moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from edu.events.codec import DecodedEvent, decode
from edu.events.errors import MalformedEvent

logger = logging.getLogger("edu.events.consumer")

EventHandler = Callable[[DecodedEvent], Awaitable[object]]


class Identified(Protocol):
    """What the rules name a failing event by: any decoded event has an id and a type."""

    @property
    def id(self) -> object: ...
    @property
    def type(self) -> str: ...


E = TypeVar("E", bound=Identified)


@dataclass(frozen=True)
class RedeliveryPolicy:
    max_deliveries: int = 5
    first_delay: float = 1.0
    max_delay: float = 60.0

    def __post_init__(self) -> None:
        if self.max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")

    def delay(self, deliveries: int) -> float:
        """Pause before the next delivery, doubling per delivery so far, capped."""
        return min(self.first_delay * 2.0 ** max(deliveries - 1, 0), self.max_delay)


@dataclass(frozen=True)
class Acknowledge:
    outcome: object


@dataclass(frozen=True)
class Redeliver:
    delay: float
    reason: str


@dataclass(frozen=True)
class DeadLetter:
    reason: str


Disposition = Acknowledge | Redeliver | DeadLetter


async def dispose(
    data: bytes,
    deliveries: int,
    handler: EventHandler,
    policy: RedeliveryPolicy,
    transient: tuple[type[BaseException], ...] = (),
) -> Disposition:
    """Decode ``data`` as an ``EventEnvelope``, hand it to ``handler`` and decide what becomes
    of the message."""
    return await dispose_decoded(decode, data, deliveries, handler, policy, transient)


async def dispose_decoded(
    decoder: Callable[[bytes], E],
    data: bytes,
    deliveries: int,
    handler: Callable[[E], Awaitable[object]],
    policy: RedeliveryPolicy,
    transient: tuple[type[BaseException], ...] = (),
) -> Disposition:
    """:func:`dispose` for events of another shape: ``decoder`` turns the bytes into one (or
    raises ``MalformedEvent``), e.g. ``edu.events.learning.decode_learning``."""
    try:
        event = decoder(data)
    except MalformedEvent as exc:
        return DeadLetter(f"malformed: {exc}")
    try:
        outcome = await handler(event)
    except transient as exc:
        return Redeliver(policy.delay(deliveries), f"{event.type} {event.id}: {exc!r}")
    except Exception as exc:
        reason = f"{event.type} {event.id} failed on delivery {deliveries}: {exc!r}"
        if deliveries >= policy.max_deliveries:
            logger.exception("giving up on %s", reason)
            return DeadLetter(reason)
        logger.warning("will retry: %s", reason)
        return Redeliver(policy.delay(deliveries), reason)
    return Acknowledge(outcome)
