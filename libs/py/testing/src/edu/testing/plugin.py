"""The eduplatform pytest plugin (auto-loaded through the ``pytest11`` entry point).

Fixtures (see libs/py/testing/README.md for how to use them):

- ``migrations_path`` (session): override it in a service's tests/integration/conftest.py to
  return its Alembic script folder.
- ``postgres_server`` (session): the run's one PostgreSQL server; ``.url(database)``.
- ``database_url`` (session): this xdist worker's database, cloned from a template database
  with the migrations applied. ``db_engine`` (session): an AsyncEngine on it.
- ``db_connection``: an AsyncConnection inside a transaction rolled back after the test;
  ``db_session``: an AsyncSession on it with ``join_transaction_mode="create_savepoint"``
  (commits become savepoints); factories derived from
  ``edu.testing.factories.AsyncSQLAlchemyFactory`` save through it.
- ``nats_url`` / ``nats_client`` / ``nats_namespace`` / ``nats_server_factory``;
  ``redis_url`` / ``redis_client`` / ``redis_namespace``; ``fake_clock``.

Servers come from, in order: EDU_DATABASE_URL / EDU_NATS_URL / EDU_REDIS_URL; a Docker engine
(testcontainers); the embedded binaries `uv sync` installs. When none can start, the fixture
fails with what to install; it never skips. Async fixtures run on the session event loop, so
tests must too (the root pyproject sets asyncio_default_test_loop_scope = "session").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edu.testing.database_fixtures import (
    database_url,
    db_connection,
    db_engine,
    db_session,
    migrations_path,
    postgres_server,
)
from edu.testing.messaging_fixtures import (
    fake_clock,
    nats_client,
    nats_namespace,
    nats_server_factory,
    nats_url,
    redis_client,
    redis_namespace,
    redis_url,
)
from edu.testing.run_context import RUN_DIR, member_key, run_servers
from edu.testing.run_servers import new_run_dir

__all__ = [
    "database_url",
    "db_connection",
    "db_engine",
    "db_session",
    "fake_clock",
    "migrations_path",
    "nats_client",
    "nats_namespace",
    "nats_server_factory",
    "nats_url",
    "postgres_server",
    "redis_client",
    "redis_namespace",
    "redis_url",
]


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", {})
    shared = workerinput.get("edu_run_dir")
    config.stash[RUN_DIR] = new_run_dir() if shared is None else Path(shared)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:  # xdist's WorkerController (xdist is optional)
    """xdist controller: every worker shares this run's folder, and so its servers."""
    node.workerinput["edu_run_dir"] = str(node.config.stash[RUN_DIR])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A session-scoped fixture is computed once, whichever conftest overrides its inputs. Keying
    # database_url by the test's workspace member makes a run over several services build each
    # one's database from its own migrations (tests are grouped by member, ids end in [member]).
    if "database_url" in metafunc.fixturenames:
        member = member_key(metafunc.definition.path, metafunc.config.rootpath)
        metafunc.parametrize("database_url", [member], indirect=True, scope="session", ids=[member])


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _is_xdist_worker(config) and RUN_DIR in config.stash:
        run_servers(config).stop_all()
