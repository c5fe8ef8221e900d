"""Course prices against PostgreSQL and over HTTP: stored, shown in every read, refused in
plain words when they are not prices, never a 500."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from edu.auth.testing import TokenMinter
from edu.common.clock import FakeClock
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.domain.course import Course
from edu.course.domain.price import AMOUNT_MINOR_MAX, Price
from edu.course.domain.values import CourseDetails

PROBLEM = "application/problem+json"


def teacher(minter: TokenMinter, user_id: UUID | None = None) -> dict[str, str]:
    return minter.headers(user_id=user_id or uuid4(), roles={"teacher"})


async def published_course(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    created = await client.post("/courses", json={"title": "Bookbinding"}, headers=headers)
    course_id: str = created.json()["id"]
    await client.post(f"/courses/{course_id}/lessons", json={"title": "Folds"}, headers=headers)
    assert (await client.post(f"/courses/{course_id}/publish", headers=headers)).is_success
    return course_id


class TestStoredPrice:
    async def test_a_price_and_its_removal_survive_the_round_trip(
        self, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        course = Course.create(
            teacher_id=uuid4(), details=CourseDetails("Etching"), now=FakeClock().now()
        )
        course.set_price(Price("JPY", 4500), FakeClock().now())
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            await uow.courses.add(course)
            await uow.commit()
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            loaded = await uow.courses.get(course.id)
            assert loaded is not None
            assert loaded.price == Price("JPY", 4500)
            loaded.set_price(None, FakeClock().now())
            await uow.courses.save(loaded)
            await uow.commit()
        async with SqlAlchemyCourseUnitOfWork(sessions) as uow:
            again = await uow.courses.get(course.id)
        assert again is not None
        assert again.is_free

    @pytest.mark.parametrize(
        ("currency", "amount"), [("EUR", 0), ("EUR", -5), (None, 100), ("EUR", None)]
    )
    async def test_the_database_refuses_half_or_non_positive_prices(
        self, db_connection: AsyncConnection, currency: str | None, amount: int | None
    ) -> None:
        insert = text(
            "INSERT INTO courses (id, teacher_id, title, summary, level, tags, status, version,"
            " created_at, updated_at, price_currency_code, price_amount_minor)"
            " VALUES (gen_random_uuid(), gen_random_uuid(), 't', '', 'beginner', '{}', 'draft',"
            " 1, now(), now(), :currency, :amount)"
        )
        with pytest.raises(IntegrityError, match="ck_courses_price"):
            async with db_connection.begin_nested():
                await db_connection.execute(insert, {"currency": currency, "amount": amount})


class TestPriceOverHttp:
    async def test_the_teacher_prices_a_course_and_every_read_shows_it(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course_id = await published_course(client, headers)
        priced = await client.put(
            f"/courses/{course_id}/price",
            json={"currency_code": "EUR", "amount_minor": 1999},
            headers=headers,
        )
        assert priced.status_code == 200, priced.text
        expected = {"currency_code": "EUR", "amount_minor": 1999, "display": "19.99 EUR"}
        assert priced.json()["price"] == expected
        assert (await client.get(f"/courses/{course_id}")).json()["price"] == expected
        mine = await client.get(f"/teaching/courses/{course_id}", headers=headers)
        assert mine.json()["price"] == expected
        catalogue = await client.get("/courses", params={"q": "Bookbinding"})
        [item] = [i for i in catalogue.json()["items"] if i["id"] == course_id]
        assert item["price"] == expected

    async def test_removing_the_price_makes_it_free_and_free_courses_say_null(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        headers = teacher(minter)
        course_id = await published_course(client, headers)
        assert (await client.get(f"/courses/{course_id}")).json()["price"] is None
        body = {"currency_code": "USD", "amount_minor": 500}
        await client.put(f"/courses/{course_id}/price", json=body, headers=headers)
        for _ in range(2):  # removing twice is fine
            freed = await client.delete(f"/courses/{course_id}/price", headers=headers)
            assert (freed.status_code, freed.json()["price"]) == (200, None)
        assert (await client.get(f"/courses/{course_id}")).json()["price"] is None

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"currency_code": "EURO", "amount_minor": 100}, "body.currency_code"),
            ({"currency_code": "eur", "amount_minor": 100}, "body.currency_code"),
            ({"currency_code": "EUR", "amount_minor": 0}, "body.amount_minor"),
            ({"currency_code": "EUR", "amount_minor": AMOUNT_MINOR_MAX + 1}, "body.amount_minor"),
            ({"currency_code": "EUR", "amount_minor": 19.99}, "body.amount_minor"),
            ({"currency_code": "EUR", "amount_minor": "1999"}, "body.amount_minor"),
            ({"currency_code": "EUR"}, "body.amount_minor"),
            ({"currency_code": "EUR", "amount_minor": 10**30}, "body.amount_minor"),
        ],
    )
    async def test_what_is_no_price_is_a_422_naming_the_field(
        self, client: httpx.AsyncClient, minter: TokenMinter, body: dict[str, Any], field: str
    ) -> None:
        headers = teacher(minter)
        created = await client.post("/courses", json={"title": "Knots"}, headers=headers)
        answer = await client.put(
            f"/courses/{created.json()['id']}/price", json=body, headers=headers
        )
        assert (answer.status_code, answer.headers["content-type"]) == (422, PROBLEM)
        [problem] = answer.json()["errors"]
        assert problem["field"] == field
        assert problem["message"].endswith(".")

    async def test_only_the_owner_may_price_and_students_may_not_at_all(
        self, client: httpx.AsyncClient, minter: TokenMinter
    ) -> None:
        course_id = await published_course(client, teacher(minter))
        body = {"currency_code": "EUR", "amount_minor": 100}
        other = await client.put(f"/courses/{course_id}/price", json=body, headers=teacher(minter))
        student = minter.headers(user_id=uuid4(), roles={"student"})
        as_student = await client.put(f"/courses/{course_id}/price", json=body, headers=student)
        unknown = await client.put(f"/courses/{uuid4()}/price", json=body, headers=teacher(minter))
        assert [other.status_code, as_student.status_code, unknown.status_code] == [403, 403, 404]
        assert (await client.get(f"/courses/{course_id}")).json()["price"] is None
