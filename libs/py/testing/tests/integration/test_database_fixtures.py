"""The PostgreSQL fixtures against a real server, with the sample migrations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import factory
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import registry

from edu.testing.database_fixtures import PostgresServer
from edu.testing.factories import AsyncSQLAlchemyFactory
from edu.testing.template_databases import template_name

metadata = MetaData()
widgets = Table(
    "widgets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
)


@dataclass
class Widget:
    sku: str
    name: str = "unnamed"
    id: int | None = None


registry().map_imperatively(Widget, widgets)


class WidgetFactory(AsyncSQLAlchemyFactory[Widget]):
    class Meta:
        model = Widget

    sku = factory.Sequence(lambda n: f"sku-{n}")
    name: factory.Faker[Widget, str] = factory.Faker("word")


def application_sessions(connection: AsyncConnection) -> Callable[[], AsyncSession]:
    """How code under test gets its sessions in an integration test (FIXED INTERFACE 4)."""
    return async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


class TestTheWorkersDatabase:
    async def test_has_the_migrations_applied(self, db_connection: AsyncConnection) -> None:
        count = await db_connection.scalar(select(func.count()).select_from(widgets))
        assert count == 0

    async def test_is_cloned_from_a_template_nobody_can_connect_to(
        self, db_connection: AsyncConnection, database_url: str, migrations_path: Path
    ) -> None:
        allows_connections = await db_connection.scalar(
            text("SELECT datallowconn FROM pg_database WHERE datistemplate AND datname = :name"),
            {"name": template_name(migrations_path)},
        )
        assert allows_connections is False
        assert database_url.rsplit("/", 1)[-1].startswith("edu_test_")

    def test_server_urls_point_at_the_named_database(self, postgres_server: PostgresServer) -> None:
        assert postgres_server.url("course").startswith("postgresql+asyncpg://")
        assert postgres_server.url("course").endswith("/course")


class TestRollbackAfterEachTest:
    async def test_commits_of_the_code_under_test_stay_inside_the_test(
        self, db_connection: AsyncConnection, db_engine: AsyncEngine
    ) -> None:
        async with application_sessions(db_connection)() as session:
            await session.execute(insert(widgets).values(sku="committed"))
            await session.commit()
        inside = await db_connection.scalar(select(func.count()).select_from(widgets))
        async with db_engine.connect() as outsider:
            outside = await outsider.scalar(select(func.count()).select_from(widgets))
        assert (inside, outside) == (1, 0)

    async def test_a_failed_commit_rolls_back_only_its_savepoint(
        self, db_connection: AsyncConnection
    ) -> None:
        sessions = application_sessions(db_connection)
        async with sessions() as session:
            await session.execute(insert(widgets).values(sku="kept"))
            await session.commit()
        async with sessions() as session:
            with pytest.raises(IntegrityError):
                await session.execute(insert(widgets).values(sku="kept"))
        assert await db_connection.scalar(select(func.count()).select_from(widgets)) == 1


class TestFactories:
    async def test_create_async_flushes_rows_the_code_under_test_can_read(
        self, db_session: AsyncSession, db_connection: AsyncConnection
    ) -> None:
        made = await WidgetFactory.create_batch_async(3)
        assert all(w.id is not None for w in made)
        assert await db_connection.scalar(select(func.count()).select_from(widgets)) == 3

    async def test_create_adds_to_the_session_without_writing(
        self, db_session: AsyncSession
    ) -> None:
        widget = WidgetFactory.create(sku="pending")
        assert widget in db_session.new
        await db_session.flush()
        assert widget.id is not None

    def test_create_without_a_database_session_says_what_to_request(self) -> None:
        with pytest.raises(RuntimeError, match="request the db_session fixture"):
            WidgetFactory.create()
