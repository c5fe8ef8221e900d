"""What a course costs: the price rule, the teacher's use case, the API's schema."""

from __future__ import annotations

from typing import get_args
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.clock import FakeClock
from edu.common.problems import InvalidInput, PermissionDenied
from edu.course.domain.price import AMOUNT_MINOR_MAX, CURRENCIES, Price
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.entrypoints.grpc_service import course_message
from edu.course.entrypoints.schemas import CourseOut, CurrencyCode, PriceIn
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.testing import FakeCourseDatabase

TEACHER = uuid4()
EUR_20 = Price("EUR", 1999)


@pytest.fixture
def db() -> FakeCourseDatabase:
    return FakeCourseDatabase()


@pytest.fixture
def authoring(db: FakeCourseDatabase) -> CourseAuthoring:
    return CourseAuthoring(db.unit_of_work, FakeClock())


class TestPrice:
    @given(st.sampled_from(sorted(CURRENCIES)), st.integers(1, AMOUNT_MINOR_MAX))
    def test_every_currency_we_take_and_amount_up_to_the_cap_is_a_price(
        self, currency: str, amount: int
    ) -> None:
        assert Price(currency, amount).amount_minor == amount

    @pytest.mark.parametrize("amount", [0, -1, AMOUNT_MINOR_MAX + 1])
    def test_zero_negative_and_huge_amounts_are_refused_in_plain_words(self, amount: int) -> None:
        with pytest.raises(InvalidInput) as caught:
            Price("EUR", amount)
        [problem] = caught.value.errors
        assert problem.field == "amount_minor"
        assert "price" in problem.message.lower()

    @pytest.mark.parametrize("currency", ["eur", "EURO", "XXX", ""])
    def test_an_unknown_currency_is_refused_naming_the_ones_we_take(self, currency: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            Price(currency, 100)
        [problem] = caught.value.errors
        assert (problem.field, "EUR, USD" in problem.message) == ("currency_code", True)

    @pytest.mark.parametrize(
        ("price", "shown"),
        [
            (Price("EUR", 1999), "19.99 EUR"),
            (Price("USD", 5), "0.05 USD"),
            (Price("JPY", 500), "500 JPY"),
        ],
    )
    def test_a_price_reads_in_major_units(self, price: Price, shown: str) -> None:
        assert str(price) == shown

    def test_the_schema_offers_exactly_the_currencies_the_domain_takes(self) -> None:
        assert set(get_args(CurrencyCode)) == set(CURRENCIES)

    def test_the_schema_maps_to_the_domain_price(self) -> None:
        body = PriceIn.model_validate({"currency_code": "EUR", "amount_minor": 1999})
        assert body.to_domain() == EUR_20


class TestSetPrice:
    async def test_a_new_course_is_free(self, authoring: CourseAuthoring) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        assert course.is_free
        assert CourseOut.of(course).price is None

    async def test_the_teacher_sets_a_price_and_reads_it_back(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        priced = await authoring.set_price(TEACHER, course.id, EUR_20)
        assert db.courses[course.id].price == EUR_20
        shown = CourseOut.of(priced).price
        assert shown is not None
        assert (shown.currency_code, shown.amount_minor, shown.display) == (
            "EUR",
            1999,
            "19.99 EUR",
        )

    async def test_removing_the_price_makes_the_course_free_again(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        await authoring.set_price(TEACHER, course.id, EUR_20)
        await authoring.set_price(TEACHER, course.id, None)
        assert db.courses[course.id].is_free

    async def test_another_teacher_may_not_price_the_course(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        with pytest.raises(PermissionDenied):
            await authoring.set_price(uuid4(), course.id, EUR_20)
        assert db.courses[course.id].is_free

    async def test_repricing_a_published_course_announces_its_new_snapshot(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        await authoring.add_lesson(TEACHER, course.id, LessonContent("Clay"))
        await authoring.publish(TEACHER, course.id)
        priced = await authoring.set_price(TEACHER, course.id, EUR_20)
        assert [e.type for e in db.outbox] == ["course.published", "course.updated"]
        assert db.outbox[-1].version == priced.version
        # the snapshot carries the price, so enrollment learns the course is no longer free
        # (protobuf JSON mapping: an int64 is a string)
        assert db.outbox[-1].payload["price"] == {"currency_code": "EUR", "amount_minor": "1999"}
        assert "price" not in db.outbox[0].payload

    async def test_the_grpc_course_carries_the_price_and_a_free_course_none(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        assert not course_message(course).HasField("price")
        priced = await authoring.set_price(TEACHER, course.id, EUR_20)
        assert course_message(priced).price.amount_minor == EUR_20.amount_minor

    async def test_setting_the_same_price_again_changes_nothing(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Pottery"))
        first = await authoring.set_price(TEACHER, course.id, EUR_20)
        again = await authoring.set_price(TEACHER, course.id, Price("EUR", 1999))
        assert again.version == first.version
