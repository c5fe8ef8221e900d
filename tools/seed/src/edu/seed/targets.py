"""The use cases the seed calls, and how it finds an account again by its email.

``learning`` is None where the server has no migrated analytics database (the load stack runs
no analytics): the learning-event history is then left out, and the report says so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from edu.analytics_aggregator.service_layer.folding import LearningRollups
from edu.course.service_layer.authoring import CourseAuthoring
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.identity.service_layer.registration import Registration

FindAccount = Callable[[str], Awaitable[UUID | None]]


@dataclass(frozen=True)
class SeedTargets:
    registration: Registration
    find_account: FindAccount
    authoring: CourseAuthoring
    enrollments: Enrollments
    learning: LearningRollups | None = None
