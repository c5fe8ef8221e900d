"""The seed's targets wired to the services' (and the aggregator's) own in-memory fakes: every
use case is real."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import pytest

from edu.analytics_aggregator.service_layer.folding import LearningRollups
from edu.analytics_aggregator.testing import FakeAnalyticsUnitOfWork, FakeRollupStore
from edu.common.clock import FakeClock
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.service_layer.catalogue import Catalogue
from edu.course.testing import FakeCatalogueSearch, FakeCourseDatabase
from edu.enrollment.service_layer.course_information import CourseInformation
from edu.enrollment.service_layer.enrollments import Enrollments
from edu.enrollment.testing import FakeEnrollmentDatabase
from edu.identity.adapters.common_passwords import common_passwords
from edu.identity.domain.email import EmailAddress
from edu.identity.domain.passwords import PasswordPolicy
from edu.identity.service_layer.registration import Registration
from edu.identity.testing import (
    FakeIdentityUnitOfWork,
    FakePasswordHasher,
    FakeRefreshTokenRepository,
    FakeUserRepository,
)
from edu.seed.course_directory import CatalogueCourseDirectory
from edu.seed.targets import SeedTargets


@dataclass
class FakePlatform:
    targets: SeedTargets
    users: FakeUserRepository
    identity: FakeIdentityUnitOfWork
    courses: FakeCourseDatabase
    enrollments: FakeEnrollmentDatabase
    rollups: FakeRollupStore


@pytest.fixture(scope="session")
def password_policy() -> PasswordPolicy:
    return PasswordPolicy(common_passwords())


@pytest.fixture
def platform(password_policy: PasswordPolicy) -> FakePlatform:
    clock = FakeClock()
    users = FakeUserRepository()
    identity = FakeIdentityUnitOfWork(users, FakeRefreshTokenRepository())
    courses = FakeCourseDatabase()
    enrollments = FakeEnrollmentDatabase()
    rollups = FakeRollupStore()
    catalogue = Catalogue(FakeCatalogueSearch(courses), courses.unit_of_work)
    information = CourseInformation(enrollments.unit_of_work, CatalogueCourseDirectory(catalogue))

    async def find_account(email: str) -> UUID | None:
        user = await users.get_by_email(EmailAddress.parse(email))
        return user.id if user else None

    targets = SeedTargets(
        registration=Registration(lambda: identity, FakePasswordHasher(), password_policy, clock),
        find_account=find_account,
        authoring=CourseAuthoring(courses.unit_of_work, clock),
        enrollments=Enrollments(enrollments.unit_of_work, information, clock),
        learning=LearningRollups(lambda: FakeAnalyticsUnitOfWork(rollups), clock),
    )
    return FakePlatform(targets, users, identity, courses, enrollments, rollups)
