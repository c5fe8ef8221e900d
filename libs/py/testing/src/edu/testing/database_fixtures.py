"""PostgreSQL fixtures: the run's server, this worker's database, per-test rollback.

SQLAlchemy, Alembic and factory_boy are imported inside the fixtures: the plugin loads in every
pytest run (unit tests too), and those imports cost about a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from edu.infra.components import POSTGRES
from edu.testing.run_context import run_in_thread, run_server, run_servers, slug, worker_id

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession


@dataclass(frozen=True)
class PostgresServer:
    """The one PostgreSQL server of this test run."""

    admin_url: str
    backend: str

    def url(self, database: str) -> str:
        """SQLAlchemy URL (asyncpg driver) of ``database`` on this server."""
        from edu.infra.databases import with_database

        return with_database(self.admin_url, database)


@pytest.fixture(scope="session")
def migrations_path() -> Path:
    """Override in your tests/integration/conftest.py to return your Alembic script folder."""
    pytest.fail(
        "override the migrations_path fixture in your tests/integration/conftest.py, e.g.\n"
        "    @pytest.fixture(scope='session')\n"
        "    def migrations_path() -> Path:\n"
        "        return Path(__file__).parents[2] / 'migrations' / '<service>'",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    server = run_server(request.config, POSTGRES)
    return PostgresServer(admin_url=server.url, backend=server.backend)


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, postgres_server: PostgresServer, migrations_path: Path
) -> Iterator[str]:
    """This worker's database, cloned from the template with ``migrations_path`` applied.

    Parametrised (by the plugin) with the test's workspace member, so a run covering several
    services gives each service's tests the database made from its own migrations.
    """
    from edu.testing.template_databases import clone_from_template, drop_database

    member = str(getattr(request, "param", "default"))
    token = run_servers(request.config).token
    name = f"edu_test_{token}_{slug(worker_id(), 8)}_{slug(member)}"
    try:
        run_in_thread(clone_from_template(postgres_server.url("postgres"), migrations_path, name))
    except Exception as exc:  # any failure here is reported as one plain message
        pytest.fail(
            f"could not prepare the test database from {migrations_path}: {exc!r}", pytrace=False
        )
    yield postgres_server.url(name)
    run_in_thread(drop_database(postgres_server.url("postgres"), name))


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def db_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url, pool_size=5, max_overflow=5)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def db_connection(db_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside an outer transaction that is rolled back after the test.

    Bind application sessions to it with ``async_sessionmaker(bind=db_connection,
    join_transaction_mode="create_savepoint", expire_on_commit=False)``: their commits become
    savepoints, and nothing survives the test.
    """
    async with db_engine.connect() as connection:
        outer = await connection.begin()
        try:
            yield connection
        finally:
            if outer.is_active:
                await outer.rollback()


@pytest_asyncio.fixture(loop_scope="session")
async def db_session(db_connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """An AsyncSession on the test's connection; factories save through it."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from edu.testing.factories import bind_session

    make_session = async_sessionmaker(
        bind=db_connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    async with make_session() as session:
        with bind_session(session):
            yield session
