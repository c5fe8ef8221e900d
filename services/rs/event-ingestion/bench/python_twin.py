"""The Python twin of event-ingestion, for the benchmark only (issue 21, ADR 0018).

FastAPI + nats-py with the Rust service's rules and acknowledgement semantics, measured beside
it by ``ingest-bench`` in one run, against the same nats-server with the same load. Not a
service of the platform: no settings class, no tests of its own, no wheel, no route in the
gateway. Run it alone with::

    EDU_PORT=8099 EDU_NATS_URL=nats://127.0.0.1:4222 EDU_JWKS_URL=http://.../jwks.json \
        .venv/bin/python services/rs/event-ingestion/bench/python_twin.py

What it mirrors (services/rs/event-ingestion/src):

- ``POST /v1/events``; a declared ``Content-Length`` over 1 MiB is 413 before the body is read
  (a body without one is cut off at the limit); the bearer token is verified (ES256, identity's
  JWKS at ``EDU_JWKS_URL``) with the platform's ``edu.auth.tokens.TokenVerifier``; JSON
  (``{"events": [...]}``, the protobuf JSON mapping, proto or lowerCamelCase names, unknown
  fields refused, uint32 as a number or a decimal string, RFC 3339 times) or
  ``application/x-protobuf`` (``LearningEventBatch``); otherwise 415.
- Each event read and checked on its own (``http/json_mapping.rs``,
  ``domain/validation.rs``): UUID id, a known type matching its one payload, the token's user
  as ``user_id``, UUID session, course (empty only for ``search.performed``) and lesson ids, a
  query of at most 200 characters, ``occurred_at`` within 10 minutes either way of the server's
  clock. A bad event is listed in ``rejected`` (index, id, reason); none acceptable is 422; no
  event is 422; more than 1,000 is 413.
- The accepted events are stamped ``received_at``, encoded as protobuf and published to the
  stream (``<prefix>.<type>``, ``Nats-Msg-Id`` = the event id) with nats-py's ``publish_async``
  (the counterpart of async-nats's ``send_publish``): all of them first, then every ack awaited
  together under one 2 s deadline. 202 with accepted / duplicates / rejected only then; NATS
  not connected is 503 (Retry-After 5), a late ack 503 (Retry-After 2), a failed one 503
  (Retry-After 5); more than ``EDU_EVENTS_MAX_IN_FLIGHT`` events in flight (20,000, per worker
  process here) is 503 (Retry-After 1).

It reads the variables ingest-bench gives the Rust service too: ``EDU_PORT``, ``EDU_NATS_URL``,
``EDU_JWKS_URL``, ``EDU_EVENTS_STREAM``, ``EDU_EVENTS_SUBJECT_PREFIX``; ``EDU_TWIN_WORKERS``
(default 1) is the number of uvicorn worker processes.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import nats
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from google.protobuf.message import DecodeError
from google.protobuf.timestamp_pb2 import Timestamp
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import PubAck, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from edu.auth.bearer import principal_from_authorization
from edu.auth.tokens import TokenVerifier
from edu.common.http_problems import problem_response
from edu.common.problems import FieldProblem, Unauthenticated
from edu.proto_gen.events.v1 import learning_events_pb2 as pb

logger = logging.getLogger("python_twin")

MAX_BODY_BYTES = 1_048_576
MAX_BATCH = 1_000
MAX_IN_FLIGHT = 20_000
ACK_TIMEOUT_S = 2.0
MAX_SKEW_NS = 10 * 60 * 1_000_000_000
DUPLICATE_WINDOW_S = 120.0
MAX_QUERY_CHARS = 200
PROTOBUF_TYPES = ("application/x-protobuf", "application/protobuf")

EVENT_TYPES = (
    "lesson.opened",
    "lesson.heartbeat",
    "lesson.finished",
    "search.performed",
    "video.played",
    "video.paused",
    "video.seeked",
)
# The payload field of each type, and each payload's type (``payload_type`` in Rust).
PAYLOAD_FIELD = {kind: kind.replace(".", "_") for kind in EVENT_TYPES}
PAYLOAD_TYPE = {field: kind for kind, field in PAYLOAD_FIELD.items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _names(*fields: str) -> dict[str, str]:
    """JSON key -> proto field: the proto name and its lowerCamelCase alias."""
    return {key: field for field in fields for key in {field, _camel(field)}}


EVENT_KEYS = _names("id", "user_id", "occurred_at", "received_at", "course_id", "session_id")
EVENT_KEYS["type"] = "type"
EVENT_KEYS.update(_names(*PAYLOAD_FIELD.values()))
# Each payload: its message, and its fields (True: a uint32, False: a string).
PAYLOADS: dict[str, tuple[Callable[..., Any], dict[str, str], dict[str, bool]]] = {}
for _field, _message, _fields in (
    ("lesson_opened", pb.LessonOpened, {"lesson_id": False}),
    (
        "lesson_heartbeat",
        pb.LessonHeartbeat,
        {
            "lesson_id": False,
            "position_seconds": True,
            "duration_seconds": True,
            "active_seconds": True,
        },
    ),
    ("lesson_finished", pb.LessonFinished, {"lesson_id": False, "active_seconds": True}),
    ("search_performed", pb.SearchPerformed, {"query": False, "results": True}),
    ("video_played", pb.VideoPlayed, {"lesson_id": False, "position_seconds": True}),
    ("video_paused", pb.VideoPaused, {"lesson_id": False, "position_seconds": True}),
    (
        "video_seeked",
        pb.VideoSeeked,
        {"lesson_id": False, "from_seconds": True, "to_seconds": True},
    ),
):
    PAYLOADS[_field] = (_message, _names(*_fields), _fields)

# What the uuid crate's `Uuid::try_parse` accepts: simple, hyphenated, braced and URN forms.
_HEX = "[0-9a-fA-F]"
_HYPHENATED = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_UUID = re.compile(f"{_HEX}{{32}}|{_HYPHENATED}|\\{{{_HYPHENATED}\\}}|urn:uuid:{_HYPHENATED}")
# What prost-types' `Timestamp::from_str` accepts for four-digit years: a date, optionally a
# time (`T`, `t` or a space before it) with up to 9 significant fraction digits, and an offset
# (`Z`, `z`, +HH, +HHMM or +HH:MM, optionally after a space; none is UTC).
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d*))?"
    r"(?: ?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?))?)?"
)
_UINT32 = re.compile(r"\+?[0-9]+")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def is_uuid(text: str) -> bool:
    return _UUID.fullmatch(text) is not None


def uuid_key(text: str) -> str | None:
    """The 32 lower-case hex digits of a UUID in any accepted form, or None."""
    if _UUID.fullmatch(text) is None:
        return None
    return text.removeprefix("urn:uuid:").strip("{}").replace("-", "").lower()


def same_user(event_user: str, signed_in: str) -> bool:
    """Whether both are UUIDs and the same one (``signed_in`` already as ``uuid_key`` gives it)."""
    return uuid_key(event_user) == signed_in


def parse_time(text: str) -> tuple[int, int] | None:
    """``(seconds, nanos)`` since the epoch, or None when ``text`` is not such a time."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    try:
        day_number = date(int(year), int(month), int(day)).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    seconds = day_number * 86_400
    nanos = 0
    if hour is not None:
        h, m, s = int(hour), int(minute), min(int(second), 59)  # 23:59:60 rolls back, as prost
        if h > 23 or m > 59 or int(second) > 60:
            return None
        seconds += h * 3_600 + m * 60 + s
        if fraction is not None:
            if not fraction:
                return None
            digits = fraction[:9]
            nanos = int(digits) * 10 ** (9 - len(digits))
        if sign is not None:
            offset = int(off_h) * 3_600 + int(off_m or 0) * 60
            seconds -= offset if sign == "+" else -offset
    return seconds, nanos


def _uint32(field: str, value: object) -> int | str:
    """A uint32 as the JSON mapping allows it (a number or a decimal string), or why not."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _UINT32.fullmatch(value):
        number = int(value)
    if number is None or not 0 <= number <= 0xFFFF_FFFF:
        return f"{json.dumps(value)} is not a uint32 (0 to 4294967295) in {field}"
    return number


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "a sequence",
    }.get(type(value), "a map")


def _payload(field: str, raw: object) -> Any:
    """The payload message of ``field`` from its JSON object, or why it cannot be read (str)."""
    message, keys, kinds = PAYLOADS[field]
    if not isinstance(raw, dict):
        return f"invalid type: {_kind(raw)}, expected a {field} object"
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = keys.get(key)
        if name is None:
            return f"unknown field `{key}` in {field}"
        if name in values:
            return f"duplicate field `{name}` in {field}"
        if kinds[name]:
            number = _uint32(name, value)
            if isinstance(number, str):
                return number
            values[name] = number
        elif isinstance(value, str):
            values[name] = value
        else:
            return f"invalid type: {_kind(value)}, expected a string in {field}.{name}"
    return message(**values)


def read_event(raw: object) -> pb.LearningEvent | str:
    """One JSON event as a LearningEvent, or why it cannot be read (``json_mapping.rs``)."""
    if not isinstance(raw, dict):
        return f"invalid type: {_kind(raw)}, expected struct LearningEvent"
    values: dict[str, Any] = {}
    payloads: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for key, value in raw.items():
        name = EVENT_KEYS.get(key)
        if name is None:
            return f"unknown field `{key}`"
        if name in seen:
            return f"duplicate field `{name}`"
        seen.add(name)
        if name in PAYLOADS:
            if value is not None:
                payload = _payload(name, value)
                if isinstance(payload, str):
                    return payload
                payloads.append((name, payload))
        elif name in ("occurred_at", "received_at"):
            if value is not None and not isinstance(value, str):
                return f"invalid type: {_kind(value)}, expected a string in {name}"
            values[name] = value
        elif isinstance(value, str):
            values[name] = value
        else:
            return f"invalid type: {_kind(value)}, expected a string in {name}"
    if len(payloads) > 1:
        return f"the event has {len(payloads)} payloads; exactly one is allowed"
    for name in ("occurred_at", "received_at"):
        text = values.pop(name, None)
        if text is not None:
            parsed = parse_time(text)
            if parsed is None:
                return f"{name} {json.dumps(text)} is not an RFC 3339 time"
            values[name] = Timestamp(seconds=parsed[0], nanos=parsed[1])
    if payloads:
        values[payloads[0][0]] = payloads[0][1]
    return pb.LearningEvent(**values)


def check(event: pb.LearningEvent, user_key: str, now_ns: int) -> str | None:
    """Why ``event`` is refused, or None: ``domain/validation.rs``, in its order and words.

    ``user_key`` is the signed-in user as ``uuid_key`` gives it.
    """
    if not is_uuid(event.id):
        return "id is not a UUID"
    kind = event.type
    if kind not in PAYLOAD_FIELD:
        return (
            f"type {json.dumps(kind)} is not a learning event type "
            f"(one of {', '.join(EVENT_TYPES)})"
        )
    carried = event.WhichOneof("payload")
    if carried is None:
        return f"the event has no payload (for type {json.dumps(kind)} it is {PAYLOAD_FIELD[kind]})"
    if PAYLOAD_TYPE[carried] != kind:
        return (
            f"type {json.dumps(kind)} does not match the payload, which is for "
            f"{json.dumps(PAYLOAD_TYPE[carried])}"
        )
    if not same_user(event.user_id, user_key):
        return "user_id is not the signed-in user"
    if not is_uuid(event.session_id):
        return "session_id is not a UUID"
    if not event.course_id:
        if carried != "search_performed":
            return (
                f"course_id is required for {json.dumps(kind)} "
                "(only search.performed may leave it empty)"
            )
    elif not is_uuid(event.course_id):
        return "course_id is not a UUID"
    payload = getattr(event, carried)
    if carried == "search_performed":
        if len(payload.query) > MAX_QUERY_CHARS:
            return (
                f"query is {len(payload.query)} characters long; at most {MAX_QUERY_CHARS} are "
                "allowed"
            )
    elif not is_uuid(payload.lesson_id):
        return "lesson_id is not a UUID"
    if not event.HasField("occurred_at"):
        return "occurred_at is missing"
    occurred = event.occurred_at
    if not 0 <= occurred.nanos < 1_000_000_000:
        return "occurred_at is not a valid time"
    off = occurred.seconds * 1_000_000_000 + occurred.nanos - now_ns
    if abs(off) > MAX_SKEW_NS:
        seconds_off = abs(off) // 1_000_000_000 * (1 if off > 0 else -1)
        return (
            f"occurred_at is {seconds_off} s away from the server's clock; at most "
            f"{MAX_SKEW_NS // 1_000_000_000} s either way are allowed"
        )
    return None


class Candidates:
    """The body's events: read ones, or (id, reason) for the unreadable."""

    @staticmethod
    def from_json(body: bytes) -> list[pb.LearningEvent | tuple[str, str]] | str:
        try:
            batch = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return f"the body is not a batch: {exc}"
        if not isinstance(batch, dict):
            return f"the body is not a batch: invalid type: {_kind(batch)}, expected struct"
        unknown = [key for key in batch if key != "events"]
        if unknown:
            return f"the body is not a batch: unknown field `{unknown[0]}`, expected `events`"
        events = batch.get("events")
        if not isinstance(events, list):
            return "the body is not a batch: missing field `events` (a list)"
        out: list[pb.LearningEvent | tuple[str, str]] = []
        for raw in events:
            event = read_event(raw)
            if isinstance(event, str):
                event_id = raw.get("id") if isinstance(raw, dict) else None
                out.append((event_id if isinstance(event_id, str) else "", event))
            else:
                out.append(event)
        return out

    @staticmethod
    def from_protobuf(body: bytes) -> list[pb.LearningEvent | tuple[str, str]] | str:
        try:
            batch = pb.LearningEventBatch.FromString(body)
        except DecodeError as exc:
            return f"the body is not a LearningEventBatch: {exc}"
        return list(batch.events)


class TooLarge(Exception):
    pass


class Publisher:
    """JetStream: the stream made when missing, each batch published whole, acks awaited."""

    def __init__(self, nats_url: str, stream: str, prefix: str, max_in_flight: int) -> None:
        self.nats_url, self.stream, self.prefix = nats_url, stream, prefix
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.client: NatsClient | None = None
        self.js: JetStreamContext | None = None
        self.stream_ready = False

    async def connect(self) -> None:
        self.client = await nats.connect(
            self.nats_url, name="event-ingestion-twin", max_reconnect_attempts=-1
        )
        self.js = self.client.jetstream(
            timeout=ACK_TIMEOUT_S, publish_async_max_pending=self.max_in_flight + MAX_BATCH
        )
        try:
            await self.ensure_stream()
        except Exception as exc:
            logger.warning("the stream is not ready yet: %s", exc)

    async def ensure_stream(self) -> None:
        if self.stream_ready:
            return
        if self.js is None:
            raise ConnectionError("not connected to NATS yet")
        try:
            await self.js.stream_info(self.stream)
        except NotFoundError:
            await self.js.add_stream(
                StreamConfig(
                    name=self.stream,
                    subjects=[f"{self.prefix}.>"],
                    duplicate_window=DUPLICATE_WINDOW_S,
                    storage=StorageType.FILE,
                )
            )
        self.stream_ready = True

    async def close(self) -> None:
        if self.client is not None:
            await self.client.drain()

    def connected(self) -> bool:
        return self.client is not None and self.client.is_connected

    async def publish(self, events: list[pb.LearningEvent]) -> list[PubAck]:
        """One ack per event, in order; raises on a missing or late one (asyncio.TimeoutError)."""
        await self.ensure_stream()
        if self.js is None:
            raise ConnectionError("not connected to NATS yet")
        pending: list[asyncio.Future[PubAck]] = []
        try:
            for event in events:
                pending.append(
                    await self.js.publish_async(
                        f"{self.prefix}.{event.type}",
                        event.SerializeToString(),
                        headers={"Nats-Msg-Id": event.id},
                    )
                )
            async with asyncio.timeout(ACK_TIMEOUT_S):
                return await asyncio.gather(*pending)
        finally:
            for future in pending:
                future.cancel()  # no-op for the acked ones; frees the slots of the others


def _unavailable(detail: str, retry_after: int) -> Response:
    return problem_response(503, detail, headers={"Retry-After": str(retry_after)})


def make_app(
    nats_url: str,
    jwks_url: str,
    *,
    stream: str = "LEARNING",
    prefix: str = "learning",
    max_in_flight: int = MAX_IN_FLIGHT,
) -> FastAPI:
    verifier = TokenVerifier(jwks_url=jwks_url)
    publisher = Publisher(nats_url, stream, prefix, max_in_flight)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await publisher.connect()
        yield
        await publisher.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/ready")
    async def ready() -> Response:
        try:
            await publisher.ensure_stream()
        except Exception as exc:
            return problem_response(503, f"nats: {exc}")
        return JSONResponse({"status": "ready"})

    async def read_body(request: Request) -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def too_large() -> Response:
        return problem_response(
            413,
            f"The request body is larger than the {MAX_BODY_BYTES} bytes accepted; send smaller "
            "batches.",
        )

    @app.post("/v1/events")
    async def ingest(request: Request) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return too_large()
        try:
            principal = principal_from_authorization(request.headers.get("authorization"), verifier)
        except Unauthenticated as exc:
            return problem_response(401, str(exc))
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/json":
            parse = Candidates.from_json
        elif media in PROTOBUF_TYPES:
            parse = Candidates.from_protobuf
        else:
            return problem_response(
                415,
                'Send the batch as application/json ({"events": [...]}) or as '
                "application/x-protobuf (edu.events.v1.LearningEventBatch).",
            )
        try:
            body = await read_body(request)
        except TooLarge:
            return too_large()
        candidates = parse(body)
        if isinstance(candidates, str):
            return problem_response(400, candidates)
        if not candidates:
            return problem_response(
                422,
                "The batch holds no event.",
                errors=[FieldProblem("events", "at least one event is needed")],
            )
        if len(candidates) > MAX_BATCH:
            return problem_response(
                413,
                f"The batch holds {len(candidates)} events; at most {MAX_BATCH} are accepted "
                "at once.",
            )
        now_ns = time.time_ns()
        received = Timestamp(seconds=now_ns // 1_000_000_000, nanos=now_ns % 1_000_000_000)
        user = principal.user_id.hex
        rejected: list[dict[str, Any]] = []
        outgoing: list[pb.LearningEvent] = []
        for index, candidate in enumerate(candidates):
            if isinstance(candidate, tuple):
                rejected.append({"index": index, "id": candidate[0], "reason": candidate[1]})
                continue
            why = check(candidate, user, now_ns)
            if why is not None:
                rejected.append({"index": index, "id": candidate.id, "reason": why})
                continue
            candidate.received_at.CopyFrom(received)
            outgoing.append(candidate)
        if not outgoing:
            return problem_response(
                422,
                "No event of the batch can be accepted; nothing was recorded.",
                errors=[FieldProblem(f"events[{r['index']}]", r["reason"]) for r in rejected],
            )
        if publisher.in_flight + len(outgoing) > publisher.max_in_flight:
            return _unavailable(
                f"Too many events are being recorded right now (at most "
                f"{publisher.max_in_flight} at once); nothing was recorded. Send the batch "
                "again shortly.",
                1,
            )
        if not publisher.connected():
            return _unavailable("The event store is unreachable; nothing was recorded.", 5)
        publisher.in_flight += len(outgoing)
        try:
            acks = await publisher.publish(outgoing)
        except Exception as exc:
            logger.warning("a batch was not acknowledged; answered 503: %r", exc)
            return _unavailable(
                "The events could not be stored right now; none of them counts as recorded. "
                "Send the same batch again (events already stored are recognised by their ids).",
                2 if isinstance(exc, TimeoutError) else 5,
            )
        finally:
            publisher.in_flight -= len(outgoing)
        accepted = [e.id for e, ack in zip(outgoing, acks, strict=True) if not ack.duplicate]
        duplicates = [e.id for e, ack in zip(outgoing, acks, strict=True) if ack.duplicate]
        return JSONResponse(
            {"accepted": accepted, "duplicates": duplicates, "rejected": rejected},
            status_code=202,
        )

    return app


def app_from_environment() -> FastAPI:
    """The app from the EDU_* variables ingest-bench sets (uvicorn's factory)."""
    return make_app(
        os.environ["EDU_NATS_URL"],
        os.environ["EDU_JWKS_URL"],
        stream=os.environ.get("EDU_EVENTS_STREAM", "LEARNING"),
        prefix=os.environ.get("EDU_EVENTS_SUBJECT_PREFIX", "learning"),
        max_in_flight=int(os.environ.get("EDU_EVENTS_MAX_IN_FLIGHT", str(MAX_IN_FLIGHT))),
    )


def main() -> None:
    found = {name: importlib.util.find_spec(name) is not None for name in ("uvloop", "httptools")}
    sys.stderr.write(
        f"python_twin: {os.environ.get('EDU_TWIN_WORKERS', '1')} uvicorn worker(s), "
        f"loop {'uvloop' if found['uvloop'] else 'asyncio'}, "
        f"http {'httptools' if found['httptools'] else 'h11'}\n"
    )
    uvicorn.run(
        f"{Path(__file__).stem}:app_from_environment",
        factory=True,
        app_dir=str(Path(__file__).parent),
        host="127.0.0.1",
        port=int(os.environ["EDU_PORT"]),
        workers=int(os.environ.get("EDU_TWIN_WORKERS", "1")),
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
