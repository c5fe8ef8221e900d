"""What the browser may send to ``POST /learning-events``, checked before it is forwarded.

The lesson and catalogue pages' script (static/learning-events.js) records learning events
(``edu.events.v1.LearningEvent`` in the protobuf JSON mapping) without a ``user_id``: web stamps
the signed-in visitor's id from the session, so no page, extension or forged request decides
whose events these are (ADR 0008 decision 12). A ``user_id`` sent by the browser is refused, as
is any other field the contract does not know. event-ingestion remains the judge of the rest
(clock skew, the user matching the token); web checks the shape so that a broken script gets a
clear 422 naming the field instead of a batch of rejections.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator as model_check

from edu.common.problems import FieldProblem

# fetch(keepalive) and sendBeacon carry at most 64 KiB at once; a batch never needs more.
MAX_BODY_BYTES = 64 * 1024
MAX_EVENTS = 100
Seconds = Annotated[int, Field(ge=0, le=4_294_967_295)]  # uint32 in the proto

PAYLOAD_OF_TYPE = {
    "lesson.opened": "lesson_opened",
    "lesson.heartbeat": "lesson_heartbeat",
    "lesson.finished": "lesson_finished",
    "search.performed": "search_performed",
    "video.played": "video_played",
    "video.paused": "video_paused",
    "video.seeked": "video_seeked",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LessonOpened(_Strict):
    lesson_id: UUID


class LessonHeartbeat(_Strict):
    lesson_id: UUID
    position_seconds: Seconds = 0
    duration_seconds: Seconds = 0
    active_seconds: Seconds = 0


class LessonFinished(_Strict):
    lesson_id: UUID
    active_seconds: Seconds = 0


class SearchPerformed(_Strict):
    query: str = Field(max_length=200)
    results: Seconds = 0


class VideoPosition(_Strict):
    lesson_id: UUID
    position_seconds: Seconds = 0


class VideoSeeked(_Strict):
    lesson_id: UUID
    from_seconds: Seconds = 0
    to_seconds: Seconds = 0


class BrowserEvent(_Strict):
    """One event as the page records it: everything but the user."""

    id: UUID
    type: Literal[
        "lesson.opened",
        "lesson.heartbeat",
        "lesson.finished",
        "search.performed",
        "video.played",
        "video.paused",
        "video.seeked",
    ]
    occurred_at: AwareDatetime
    session_id: UUID
    course_id: UUID | None = None
    lesson_opened: LessonOpened | None = None
    lesson_heartbeat: LessonHeartbeat | None = None
    lesson_finished: LessonFinished | None = None
    search_performed: SearchPerformed | None = None
    video_played: VideoPosition | None = None
    video_paused: VideoPosition | None = None
    video_seeked: VideoSeeked | None = None

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_check(mode="after")
    def _one_payload_of_its_type(self) -> BrowserEvent:
        present = [name for name in PAYLOAD_OF_TYPE.values() if getattr(self, name) is not None]
        expected = PAYLOAD_OF_TYPE[self.type]
        if present != [expected]:
            raise ValueError(f"a {self.type} event carries exactly one payload, {expected}")
        if self.course_id is None and self.type != "search.performed":
            raise ValueError(f"a {self.type} event needs its course_id")
        return self

    def stamped(self, user_id: UUID) -> dict[str, Any]:
        """The event for event-ingestion, its user the session's."""
        event: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        # RFC 3339 in UTC with 3 or 6 fractional digits, as the protobuf JSON mapping writes it
        precision = "milliseconds" if self.occurred_at.microsecond % 1000 == 0 else "microseconds"
        when = self.occurred_at.isoformat(timespec=precision)
        event["occurred_at"] = when.replace("+00:00", "Z")
        event["user_id"] = str(user_id)
        return event


class BrowserBatch(_Strict):
    csrf_token: str = Field(max_length=200)
    events: list[BrowserEvent] = Field(min_length=1, max_length=MAX_EVENTS)


class BadBatch(Exception):
    """The body is not a batch this endpoint takes; ``problems`` name each field."""

    def __init__(self, detail: str, problems: tuple[FieldProblem, ...] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems


def read_batch(body: bytes) -> BrowserBatch:
    """The batch in ``body`` (JSON), or BadBatch saying what is wrong with it."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadBatch('The body is not JSON: send {"csrf_token": ..., "events": [...]}.') from None
    if isinstance(document, dict) and "events" in document:
        for at, event in enumerate(document["events"] or ()):
            if isinstance(event, dict) and "user_id" in event:
                raise BadBatch(
                    "Events carry no user_id: the server takes the user from your session.",
                    (FieldProblem(f"events.{at}.user_id", "is set by the server"),),
                )
    try:
        return BrowserBatch.model_validate(document)
    except ValidationError as invalid:
        problems = tuple(
            FieldProblem(".".join(str(part) for part in error["loc"]), error["msg"])
            for error in invalid.errors(include_url=False)[:20]
        )
        detail = "The batch has invalid events; each problem names its field."
        raise BadBatch(detail, problems) from None
