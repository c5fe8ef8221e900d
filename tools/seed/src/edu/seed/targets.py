"""The use cases the seed calls, and how it finds an account again by its email."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

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
