"""The catalogue query on PostgreSQL: full-text search, filters, pagination, drafts hidden."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from edu.common.clock import FakeClock
from edu.course.adapters.catalogue_search import SqlAlchemyCatalogueSearch
from edu.course.adapters.unit_of_work import SqlAlchemyCourseUnitOfWork
from edu.course.domain.values import CourseDetails, LessonContent, Level
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.service_layer.catalogue import Catalogue
from edu.course.service_layer.ports import CatalogueQuery
from edu.course.testing import FakeSearchRanking


class Shelf:
    """Creates courses through the real use cases, so the catalogue sees real data."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.clock = FakeClock()
        self.authoring = CourseAuthoring(lambda: SqlAlchemyCourseUnitOfWork(sessions), self.clock)

    async def course(
        self,
        title: str,
        summary: str = "",
        *,
        teacher: UUID | None = None,
        level: Level = Level.BEGINNER,
        tags: tuple[str, ...] = (),
        minutes: tuple[int, ...] = (10,),
        publish: bool = True,
    ) -> UUID:
        teacher = teacher or uuid4()
        details = CourseDetails(title, summary, level, tags)
        course = await self.authoring.create_course(teacher, details)
        for index, minute in enumerate(minutes):
            content = LessonContent(f"Lesson {index}", estimated_minutes=minute)
            await self.authoring.add_lesson(teacher, course.id, content)
        if publish:
            self.clock.advance(60)
            await self.authoring.publish(teacher, course.id)
        return course.id


@pytest.fixture
def shelf(sessions: async_sessionmaker[AsyncSession]) -> Shelf:
    return Shelf(sessions)


@pytest.fixture
def search(sessions: async_sessionmaker[AsyncSession]) -> SqlAlchemyCatalogueSearch:
    return SqlAlchemyCatalogueSearch(sessions)


class TestTextSearch:
    async def test_words_match_their_stems_in_title_and_summary(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        baking = await shelf.course("Baking bread", "Loaves for beginners")
        await shelf.course("Knitting", "Scarves")
        page = await search.search(CatalogueQuery(text="bakes beginner"))
        assert [c.id for c in page.items] == [baking]

    async def test_title_matches_rank_above_summary_matches(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        in_summary = await shelf.course("Cooking basics", "Includes a chapter on pasta")
        in_title = await shelf.course("Pasta", "Shapes and sauces")
        page = await search.search(CatalogueQuery(text="pasta"))
        assert [c.id for c in page.items] == [in_title, in_summary]

    async def test_odd_search_input_is_not_an_error(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        await shelf.course("Anything")
        page = await search.search(CatalogueQuery(text='"unclosed & | ! :* ('))
        assert page.total == 0


class TestFilters:
    async def test_drafts_never_appear(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        teacher = uuid4()
        published = await shelf.course("Open", teacher=teacher)
        await shelf.course("Hidden", teacher=teacher, publish=False)
        page = await search.search(CatalogueQuery(teacher_id=teacher))
        assert [c.id for c in page.items] == [published]

    async def test_level_and_tag_filters_combine(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        teacher = uuid4()
        wanted = await shelf.course("A", teacher=teacher, level=Level.ADVANCED, tags=("go", "web"))
        await shelf.course("B", teacher=teacher, level=Level.BEGINNER, tags=("go",))
        await shelf.course("C", teacher=teacher, level=Level.ADVANCED, tags=("rust",))
        page = await search.search(
            CatalogueQuery(teacher_id=teacher, level=Level.ADVANCED, tag="go")
        )
        assert [c.id for c in page.items] == [wanted]

    async def test_summaries_count_lessons_and_minutes(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        teacher = uuid4()
        await shelf.course("Timed", teacher=teacher, minutes=(5, 20, 30))
        [summary] = (await search.search(CatalogueQuery(teacher_id=teacher))).items
        assert (summary.lesson_count, summary.total_minutes) == (3, 55)


class TestPagination:
    async def test_pages_are_newest_first_and_total_counts_every_match(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        teacher = uuid4()
        made = [await shelf.course(f"Course {i}", teacher=teacher) for i in range(5)]
        first = await search.search(CatalogueQuery(teacher_id=teacher, page=1, page_size=2))
        last = await search.search(CatalogueQuery(teacher_id=teacher, page=3, page_size=2))
        beyond = await search.search(CatalogueQuery(teacher_id=teacher, page=4, page_size=2))
        assert [c.id for c in first.items] == [made[4], made[3]]
        assert [c.id for c in last.items] == [made[0]]
        assert (first.total, last.total, beyond.total, beyond.items) == (5, 5, 5, [])


class TestLeanReadPath:
    async def test_an_engine_bound_search_answers_from_a_pooled_autocommit_connection(
        self, db_engine: AsyncEngine
    ) -> None:
        search = SqlAlchemyCatalogueSearch(async_sessionmaker(db_engine))
        page = await search.search(CatalogueQuery(teacher_id=uuid4(), page=2))
        assert (page.items, page.total) == ([], 0)


class TestRankedBySearch:
    """The search service's ranked ids read back from PostgreSQL (``published_in_order``) and
    the catalogue over it, with search played by a fake and its fallback to course's own
    full-text search."""

    async def test_ids_come_back_in_the_given_order_with_their_lesson_figures(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        first = await shelf.course("Alpha", minutes=(5, 7))
        second = await shelf.course("Beta")
        draft = await shelf.course("Gamma", publish=False)
        found = await search.published_in_order(
            [second, uuid4(), draft, first], CatalogueQuery(text="ignored words")
        )
        assert [course.id for course in found] == [second, first]
        assert (found[1].lesson_count, found[1].total_minutes) == (2, 12)

    async def test_the_catalogues_filters_apply_to_the_ranked_ids(
        self, shelf: Shelf, search: SqlAlchemyCatalogueSearch
    ) -> None:
        teacher = uuid4()
        mine = await shelf.course("Mine", teacher=teacher, level=Level.ADVANCED, tags=("rust",))
        other_level = await shelf.course("Easy", teacher=teacher, tags=("rust",))
        other_teacher = await shelf.course("Theirs", level=Level.ADVANCED, tags=("rust",))
        untagged = await shelf.course("Plain", teacher=teacher, level=Level.ADVANCED)
        query = CatalogueQuery(teacher_id=teacher, level=Level.ADVANCED, tag="rust")
        ids = [untagged, other_teacher, other_level, mine]
        assert [c.id for c in await search.published_in_order(ids, query)] == [mine]
        assert await search.published_in_order([], query) == []

    async def test_the_catalogue_answers_words_in_searchs_order_and_falls_back_to_its_own(
        self,
        shelf: Shelf,
        search: SqlAlchemyCatalogueSearch,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        sql = await shelf.course("Learning SQL", "Queries for beginners")
        python = await shelf.course("Python", "Queries in pandas")
        ranking = FakeSearchRanking([python, sql])
        catalogue = Catalogue(search, lambda: SqlAlchemyCourseUnitOfWork(sessions), ranking)
        page = await catalogue.browse(CatalogueQuery(text="qeuries"))
        assert [course.id for course in page.items] == [python, sql], "search's order"
        ranking.failure = "GET /search answered 503"
        page = await catalogue.browse(CatalogueQuery(text="learning sql"))
        assert [course.id for course in page.items] == [sql], "PostgreSQL full-text"
