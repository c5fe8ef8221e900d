"""The public catalogue shows published courses only."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID, uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import NotFound
from edu.course.domain.values import CourseDetails, LessonContent, Level
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.service_layer.catalogue import TEACHER_CANDIDATES, Catalogue
from edu.course.service_layer.ports import CatalogueQuery
from edu.course.testing import FakeCatalogueSearch, FakeCourseDatabase, FakeSearchRanking

TEACHER = uuid4()


@pytest.fixture
def db() -> FakeCourseDatabase:
    return FakeCourseDatabase()


@pytest.fixture
def authoring(db: FakeCourseDatabase) -> CourseAuthoring:
    return CourseAuthoring(db.unit_of_work, FakeClock())


@pytest.fixture
def catalogue(db: FakeCourseDatabase) -> Catalogue:
    return Catalogue(FakeCatalogueSearch(db), db.unit_of_work)


class TestPublishedCourse:
    async def test_a_draft_is_not_found(
        self, authoring: CourseAuthoring, catalogue: Catalogue
    ) -> None:
        draft = await authoring.create_course(TEACHER, CourseDetails("Secret"))
        with pytest.raises(NotFound, match="published"):
            await catalogue.published_course(draft.id)

    async def test_a_published_course_comes_with_its_lessons_in_order(
        self, authoring: CourseAuthoring, catalogue: Catalogue
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Open"))
        one = (await authoring.add_lesson(TEACHER, course.id, LessonContent("One"))).lesson
        two = (await authoring.add_lesson(TEACHER, course.id, LessonContent("Two"))).lesson
        await authoring.publish(TEACHER, course.id)
        found = await catalogue.published_course(course.id)
        assert found.lesson_ids == (one.id, two.id)
        assert (await catalogue.published_lesson(course.id, two.id)).content.title == "Two"

    async def test_a_lesson_of_a_draft_is_not_found(
        self, authoring: CourseAuthoring, catalogue: Catalogue
    ) -> None:
        course = await authoring.create_course(TEACHER, CourseDetails("Closed"))
        lesson = (await authoring.add_lesson(TEACHER, course.id, LessonContent("One"))).lesson
        with pytest.raises(NotFound):
            await catalogue.published_lesson(course.id, lesson.id)


class TestBrowse:
    async def test_browsing_passes_the_filters_to_the_search_and_lists_published_only(
        self, db: FakeCourseDatabase, authoring: CourseAuthoring
    ) -> None:
        search = FakeCatalogueSearch(db)
        catalogue = Catalogue(search, db.unit_of_work)
        open_course = await authoring.create_course(TEACHER, CourseDetails("Open"))
        await authoring.add_lesson(TEACHER, open_course.id, LessonContent("One"))
        await authoring.publish(TEACHER, open_course.id)
        await authoring.create_course(TEACHER, CourseDetails("Draft"))
        query = CatalogueQuery(teacher_id=TEACHER, page_size=5)
        page = await catalogue.browse(query)
        assert [c.id for c in page.items] == [open_course.id]
        assert (page.total, search.queries) == (1, [query])


class TestWordsRankedBySearch:
    """With the search service's URL, ``q`` is ranked by search and read back from course."""

    @pytest.fixture
    def ranking(self) -> FakeSearchRanking:
        return FakeSearchRanking()

    @pytest.fixture
    def ranked(self, db: FakeCourseDatabase, ranking: FakeSearchRanking) -> Catalogue:
        return Catalogue(FakeCatalogueSearch(db), db.unit_of_work, ranking)

    async def published(
        self, authoring: CourseAuthoring, title: str, teacher: UUID = TEACHER, **details: Any
    ) -> UUID:
        course = await authoring.create_course(teacher, CourseDetails(title, **details))
        await authoring.add_lesson(teacher, course.id, LessonContent("One"))
        await authoring.publish(teacher, course.id)
        return course.id

    async def test_courses_come_in_the_search_services_rank_order(
        self, authoring: CourseAuthoring, ranked: Catalogue, ranking: FakeSearchRanking
    ) -> None:
        first, second, third = [await self.published(authoring, t) for t in ("A", "B", "C")]
        ranking.ranking = [third, first]
        page = await ranked.browse(CatalogueQuery(text="pyhton"))
        assert [item.id for item in page.items] == [third, first]
        assert page.total == 2
        assert second not in [item.id for item in page.items]
        assert ranking.asked == [
            {"text": "pyhton", "level": None, "tag": None, "offset": 0, "limit": 20}
        ]

    async def test_level_tag_and_the_page_are_asked_of_search(
        self, authoring: CourseAuthoring, ranked: Catalogue, ranking: FakeSearchRanking
    ) -> None:
        ranking.ranking = [
            await self.published(authoring, t, tags=("python",)) for t in ("A", "B", "C")
        ]
        query = CatalogueQuery(text="a", level=Level.BEGINNER, tag="python", page=2, page_size=1)
        page = await ranked.browse(query)
        assert [item.id for item in page.items] == [ranking.ranking[1]]
        assert (page.total, page.page, page.page_size) == (3, 2, 1)
        assert ranking.asked[0] == {
            "text": "a",
            "level": Level.BEGINNER,
            "tag": "python",
            "offset": 1,
            "limit": 1,
        }

    async def test_ids_search_knows_but_course_does_not_list_are_left_out(
        self, authoring: CourseAuthoring, ranked: Catalogue, ranking: FakeSearchRanking
    ) -> None:
        listed = await self.published(authoring, "Listed")
        draft = await authoring.create_course(TEACHER, CourseDetails("Draft"))
        ranking.ranking = [uuid4(), draft.id, listed]
        page = await ranked.browse(CatalogueQuery(text="listed"))
        assert [item.id for item in page.items] == [listed]

    async def test_a_teachers_courses_are_filtered_here_among_searchs_candidates(
        self, authoring: CourseAuthoring, ranked: Catalogue, ranking: FakeSearchRanking
    ) -> None:
        other = await self.published(authoring, "Other", teacher=uuid4())
        mine_one = await self.published(authoring, "Mine one")
        mine_two = await self.published(authoring, "Mine two")
        ranking.ranking = [other, mine_two, mine_one]
        query = CatalogueQuery(text="mine", teacher_id=TEACHER, page=2, page_size=1)
        page = await ranked.browse(query)
        assert [item.id for item in page.items] == [mine_one]
        assert page.total == 2
        assert ranking.asked[0]["offset"] == 0
        assert ranking.asked[0]["limit"] == TEACHER_CANDIDATES

    async def test_falls_back_to_its_own_search_and_logs_why_when_search_cannot_answer(
        self,
        authoring: CourseAuthoring,
        ranked: Catalogue,
        ranking: FakeSearchRanking,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        python = await self.published(authoring, "Python basics")
        await self.published(authoring, "Rust basics")
        ranking.ranking = []
        ranking.failure = "GET /search: ConnectError: connection refused"
        with caplog.at_level(logging.WARNING, logger="edu.course.catalogue"):
            page = await ranked.browse(CatalogueQuery(text="python"))
        assert [item.id for item in page.items] == [python], "course's own word search"
        assert "searched PostgreSQL itself" in caplog.text
        assert "connection refused" in caplog.text

    async def test_browsing_without_words_does_not_ask_search(
        self, authoring: CourseAuthoring, ranked: Catalogue, ranking: FakeSearchRanking
    ) -> None:
        await self.published(authoring, "A")
        page = await ranked.browse(CatalogueQuery(level=Level.BEGINNER))
        assert page.total == 1
        assert ranking.asked == []
