"""The course-events consumer: a durable JetStream pull consumer feeding the read model.

At-least-once: a message is acknowledged only after the read model stored it, so a crash
replays it, which the version guard makes harmless. A message that can never be applied
(unreadable JSON, a payload that is not a course snapshot) is terminated and logged instead of
redelivered for ever; a database failure is left unacknowledged and comes back after a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

import nats
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from edu.db.outbox import EVENTS_STREAM, SUBJECT_PREFIX, OutboxEvent
from edu.enrollment.service_layer.course_information import CourseInformation

logger = logging.getLogger("edu.enrollment.course_events")
DURABLE_NAME = "enrollment-course-outlines"


class Message(Protocol):
    """The part of a JetStream message the handler uses (so tests can hand it a fake)."""

    data: bytes

    async def ack(self) -> None: ...

    async def nak(self, delay: float | None = None) -> None: ...

    async def term(self) -> None: ...


async def handle_course_message(message: Message, courses: CourseInformation) -> None:
    try:
        event = OutboxEvent.from_json(message.data)
        await courses.apply_course_event(event)
    except (ValueError, KeyError, TypeError) as exc:
        logger.error("course events: dropping an unusable message: %r", exc)
        await message.term()
        return
    except Exception:
        logger.exception("course events: applying a message failed; it will come back")
        await message.nak(delay=2.0)
        return
    await message.ack()


class CourseEventsConsumer:
    def __init__(
        self,
        nats_url: str,
        courses: CourseInformation,
        *,
        stream: str = EVENTS_STREAM,
        subject_prefix: str = SUBJECT_PREFIX,
        durable: str = DURABLE_NAME,
        fetch_timeout: float = 1.0,
    ) -> None:
        self._url = nats_url
        self._courses = courses
        self._stream = stream
        self._subject = f"{subject_prefix}.course.>"
        self._prefix = subject_prefix
        self._durable = durable
        self._fetch_timeout = fetch_timeout

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until ``stop`` is set, reconnecting with growing pauses after failures."""
        pause = 0.5
        while not stop.is_set():
            try:
                await self._consume(stop)
                pause = 0.5
            except Exception as exc:
                logger.warning("course events: consumer failed (%r); retrying in %.1fs", exc, pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
                pause = min(pause * 2, 30.0)

    async def _consume(self, stop: asyncio.Event) -> None:
        client = await nats.connect(
            self._url, name="edu-enrollment-course-events", max_reconnect_attempts=3
        )
        try:
            js = client.jetstream()
            await self._ensure_stream(js)
            subscription = await js.pull_subscribe(
                self._subject, durable=self._durable, stream=self._stream
            )
            while not stop.is_set():
                try:
                    messages = await subscription.fetch(batch=50, timeout=self._fetch_timeout)
                except NatsTimeoutError:
                    continue
                for message in messages:
                    await handle_course_message(message, self._courses)
        finally:
            await client.close()

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        # The course service's relay creates the stream too; whoever starts first does it.
        try:
            await js.stream_info(self._stream)
        except NotFoundError:
            await js.add_stream(name=self._stream, subjects=[f"{self._prefix}.>"])
