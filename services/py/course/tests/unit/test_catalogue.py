"""The public catalogue shows published courses only."""

from __future__ import annotations

from uuid import uuid4

import pytest

from edu.common.clock import FakeClock
from edu.common.problems import NotFound
from edu.course.domain.values import CourseDetails, LessonContent
from edu.course.service_layer.authoring import CourseAuthoring
from edu.course.service_layer.catalogue import Catalogue
from edu.course.service_layer.ports import CatalogueQuery
from edu.course.testing import FakeCatalogueSearch, FakeCourseDatabase

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
