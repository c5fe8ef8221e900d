"""teacher-tools' integration fixtures: its migrations and sessions bound to the test's
transaction (the edu-testing plugin's real PostgreSQL and NATS)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

WORKSPACE = Path(__file__).parents[5]


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    return WORKSPACE / "migrations" / "teacher_tools"


@pytest.fixture
def sessions(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
