"""What the use cases need from storage: one unit of work with the rollups' repositories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from edu.analytics_aggregator.domain.ownership import CourseOwner
from edu.analytics_aggregator.domain.progress import SessionProgress, ViewerStages
from edu.db.ports import UnitOfWork


class ProcessedEvents(Protocol):
    async def claim(self, event_id: UUID, event_type: str, now: datetime) -> bool:
        """Record ``event_id``; False when it was recorded before (a duplicate)."""
        ...


class LessonRollups(Protocol):
    async def count_view(self, course_id: str, lesson_id: str) -> None: ...
    async def merge_viewer(self, stages: ViewerStages) -> None:
        """Join ``stages`` into the stored ones (``ViewerStages.join``)."""
        ...

    async def merge_session(self, progress: SessionProgress) -> None:
        """Join ``progress`` into the stored one (``SessionProgress.join``)."""
        ...


class CourseDays(Protocol):
    async def mark_active(self, course_id: str, day: date, user_id: str) -> None: ...


class CourseOwners(Protocol):
    async def merge(self, owner: CourseOwner) -> None:
        """Keep ``owner`` unless a newer version is stored (``CourseOwner.join``)."""
        ...


class AnalyticsUnitOfWork(UnitOfWork, Protocol):
    @property
    def processed(self) -> ProcessedEvents: ...
    @property
    def lessons(self) -> LessonRollups: ...
    @property
    def days(self) -> CourseDays: ...
    @property
    def owners(self) -> CourseOwners: ...


UnitOfWorkFactory = Callable[[], AnalyticsUnitOfWork]
