"""In-memory stand-ins for the aggregator's ports (``Fake<Port>``) and learning events as the
consumer receives them, for tests. Not shipped: the wheel leaves this module out.

:class:`FakeRollupStore` holds committed state; each :class:`FakeAnalyticsUnitOfWork` works on
a copy and replaces the store's state only on commit, like a rolled-back transaction.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from google.protobuf.timestamp_pb2 import Timestamp

from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.domain.progress import SessionProgress, ViewerStages
from edu.db.testing import FakeUnitOfWork
from edu.events.learning import DecodedLearningEvent, decode_learning, encode_learning
from edu.proto_gen.events.v1.learning_events_pb2 import LearningEvent


@dataclass
class FakeRollupStore:
    processed: dict[UUID, str] = field(default_factory=dict)
    views: dict[tuple[str, str], int] = field(default_factory=dict)
    viewers: dict[tuple[str, str, str], ViewerStages] = field(default_factory=dict)
    sessions: dict[tuple[str, str], SessionProgress] = field(default_factory=dict)
    active: set[tuple[str, date, str]] = field(default_factory=set)
    owners: dict[str, CourseOwner] = field(default_factory=dict)
    commits: int = 0


class FakeProcessedEvents:
    def __init__(self, db: FakeRollupStore) -> None:
        self.db = db

    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        if event_id in self.db.processed:
            return False
        self.db.processed[event_id] = event_type
        return True


class FakeLessonRollups:
    def __init__(self, db: FakeRollupStore) -> None:
        self.db = db

    async def count_view(self, course_id: str, lesson_id: str) -> None:
        key = (course_id, lesson_id)
        self.db.views[key] = self.db.views.get(key, 0) + 1

    async def merge_viewer(self, stages: ViewerStages) -> None:
        key = (stages.course_id, stages.lesson_id, stages.user_id)
        stored = self.db.viewers.get(key)
        self.db.viewers[key] = stages if stored is None else stored.join(stages)

    async def merge_session(self, progress: SessionProgress) -> None:
        key = (progress.session_id, progress.lesson_id)
        stored = self.db.sessions.get(key)
        self.db.sessions[key] = progress if stored is None else stored.join(progress)


class FakeCourseDays:
    def __init__(self, db: FakeRollupStore) -> None:
        self.db = db

    async def mark_active(self, course_id: str, day: date, user_id: str) -> None:
        self.db.active.add((course_id, day, user_id))


class FakeCourseOwners:
    def __init__(self, db: FakeRollupStore) -> None:
        self.db = db

    async def merge(self, owner: CourseOwner) -> None:
        stored = self.db.owners.get(owner.course_id)
        self.db.owners[owner.course_id] = owner if stored is None else stored.join(owner)


class FakeAnalyticsUnitOfWork(FakeUnitOfWork):
    def __init__(self, db: FakeRollupStore) -> None:
        self.db = db
        self._work = FakeRollupStore()

    def _begin(self) -> None:
        self._work = copy.deepcopy(self.db)
        self.processed = FakeProcessedEvents(self._work)
        self.lessons = FakeLessonRollups(self._work)
        self.days = FakeCourseDays(self._work)
        self.owners = FakeCourseOwners(self._work)

    def _discard(self) -> None:
        self._work = FakeRollupStore()

    def _keep(self) -> None:
        commits = self.db.commits
        self.db.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.db.commits = commits + 1


def learning_event(
    event_type: str,
    occurred_at: datetime,
    *,
    user_id: str = "u-1",
    course_id: str = "c-1",
    session_id: str = "s-1",
    event_id: str | None = None,
    **payload: Any,
) -> LearningEvent:
    """A ``LearningEvent`` of ``event_type`` with ``payload`` in the oneof member named after it."""
    stamp = Timestamp()
    stamp.FromDatetime(occurred_at)
    event = LearningEvent(
        id=event_id or str(uuid.uuid4()),
        type=event_type,
        user_id=user_id,
        course_id=course_id,
        session_id=session_id,
        occurred_at=stamp,
        received_at=stamp,
    )
    getattr(event, event_type.replace(".", "_")).SetInParent()
    for name, value in payload.items():
        setattr(getattr(event, event_type.replace(".", "_")), name, value)
    return event


def delivered(event: LearningEvent) -> DecodedLearningEvent:
    """``event`` as the consumer hands it to the use case: encoded as published, decoded."""
    return decode_learning(encode_learning(event))
