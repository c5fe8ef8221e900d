from __future__ import annotations

import pytest

from edu.analytics_aggregator.service_layer.folding import LearningRollups
from edu.analytics_aggregator.service_layer.ownership import CourseOwnership
from edu.analytics_aggregator.service_layer.ports import AnalyticsUnitOfWork
from edu.analytics_aggregator.testing import FakeAnalyticsUnitOfWork, FakeRollupStore
from edu.common.clock import FakeClock


@pytest.fixture
def store() -> FakeRollupStore:
    return FakeRollupStore()


@pytest.fixture
def rollups(store: FakeRollupStore) -> LearningRollups:
    def uow() -> AnalyticsUnitOfWork:
        return FakeAnalyticsUnitOfWork(store)

    return LearningRollups(uow, FakeClock())


@pytest.fixture
def ownership(store: FakeRollupStore) -> CourseOwnership:
    return CourseOwnership(lambda: FakeAnalyticsUnitOfWork(store))
