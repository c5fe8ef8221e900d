"""factory-boy factories bound to the test's AsyncSession (the ``db_session`` fixture).

factory_boy builds objects synchronously, and an AsyncSession only talks to the database with
``await``. So a factory derived from ``AsyncSQLAlchemyFactory``:

- ``UserFactory.build(...)`` makes an object and touches nothing;
- ``UserFactory.create(...)`` makes it and ``add()``s it to the test's session (no I/O: the next
  flush or commit writes it);
- ``await UserFactory.create_async(...)`` / ``await UserFactory.create_batch_async(n, ...)``
  also flush, so database defaults and constraints apply now and the rows are visible to the
  code under test (which shares the test's connection and its rolled-back transaction).

``SubFactory`` works as usual: sub-objects are created (added) through the same session.
Defaults should be unique (``factory.Sequence``, ``factory.Faker``, uuid4) so that no test
depends on another's data. The ``db_session`` fixture binds the session for the test's duration;
using a factory's ``create`` without it raises an error saying so.

    class CourseFactory(AsyncSQLAlchemyFactory[Course]):
        class Meta:
            model = Course

        id = factory.LazyFunction(uuid4)
        title = factory.Sequence(lambda n: f"Course {n}")

    async def test_lists_courses(db_session: AsyncSession) -> None:
        await CourseFactory.create_batch_async(3)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import factory
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

_sessions: list[AsyncSession] = []


@contextmanager
def bind_session(session: AsyncSession) -> Iterator[AsyncSession]:
    """Make ``session`` the one factories add to, for the duration of the block."""
    _sessions.append(session)
    try:
        yield session
    finally:
        _sessions.remove(session)


def bound_session() -> AsyncSession:
    if not _sessions:
        raise RuntimeError(
            "factories save through the test's database session: request the db_session "
            "fixture in this test (or use Factory.build() for an unsaved object)"
        )
    return _sessions[-1]


class AsyncSQLAlchemyFactory(factory.Factory[T], Generic[T]):
    """Base factory for SQLAlchemy-mapped models, saved through the bound AsyncSession."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type[T], *args: Any, **kwargs: Any) -> T:
        instance = model_class(*args, **kwargs)
        bound_session().add(instance)
        return instance

    @classmethod
    async def create_async(cls, **kwargs: Any) -> T:
        instance: T = cls.create(**kwargs)
        await bound_session().flush()
        return instance

    @classmethod
    async def create_batch_async(cls, size: int, **kwargs: Any) -> list[T]:
        instances: list[T] = cls.create_batch(size, **kwargs)
        await bound_session().flush()
        return instances
