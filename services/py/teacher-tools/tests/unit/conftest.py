"""Fixtures for teacher-tools' unit tests: every upstream is a fake."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from edu.auth.principal import STUDENT, TEACHER, Principal
from edu.teacher_tools.domain.dashboard import CourseRef, HeldItem
from edu.teacher_tools.domain.questions import Post, PostKind
from edu.teacher_tools.service_layer.dashboards import Dashboards
from edu.teacher_tools.testing import (
    FakeCourseDirectory,
    FakeEnrolmentFigures,
    FakeHeldItems,
    FakeQaHistory,
    FakeTeacherToolsUnitOfWork,
)

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
MakeCourse = Callable[..., CourseRef]
MakePost = Callable[..., Post]
MakeHeld = Callable[..., HeldItem]


@pytest.fixture
def courses() -> FakeCourseDirectory:
    return FakeCourseDirectory()


@pytest.fixture
def qa() -> FakeQaHistory:
    return FakeQaHistory()


@pytest.fixture
def held() -> FakeHeldItems:
    return FakeHeldItems()


@pytest.fixture
def uow() -> FakeTeacherToolsUnitOfWork:
    return FakeTeacherToolsUnitOfWork()


@pytest.fixture
def figures(uow: FakeTeacherToolsUnitOfWork) -> FakeEnrolmentFigures:
    return FakeEnrolmentFigures(uow)


@pytest.fixture
def dashboards(
    courses: FakeCourseDirectory,
    qa: FakeQaHistory,
    held: FakeHeldItems,
    figures: FakeEnrolmentFigures,
) -> Dashboards:
    return Dashboards(courses, qa, held, figures, section_timeout=0.02)


@pytest.fixture
def teacher() -> Principal:
    return Principal(user_id=uuid4(), email="t@example.org", roles=frozenset({TEACHER}))


@pytest.fixture
def student() -> Principal:
    return Principal(user_id=uuid4(), email="s@example.org", roles=frozenset({STUDENT}))


@pytest.fixture
def make_course() -> MakeCourse:
    def make(title: str = "Python basics", status: str = "published", **fields: Any) -> CourseRef:
        return CourseRef(
            id=str(fields.pop("id", uuid4())),
            title=title,
            status=status,
            ever_published=fields.pop("ever_published", status == "published"),
        )

    return make


@pytest.fixture
def make_post() -> MakePost:
    counter = iter(range(1, 10_000))

    def make(
        kind: PostKind = PostKind.QUESTION,
        *,
        answers: Post | None = None,
        visible: bool = True,
        minutes: int = 0,
        body: str = "Why does the loop never end?",
    ) -> Post:
        return Post(
            id=str(uuid4()),
            kind=PostKind.ANSWER if answers is not None else kind,
            author_id=str(uuid4()),
            body=body,
            created_at=NOON + timedelta(minutes=minutes),
            seq=next(counter) if visible else None,
            question_id=answers.id if answers is not None else None,
        )

    return make


@pytest.fixture
def make_held() -> MakeHeld:
    def make(course_id: str, *, minutes: int = 0, kind: str = "question") -> HeldItem:
        return HeldItem(
            id=str(uuid4()),
            course_id=course_id,
            kind=kind,
            subject_id=str(uuid4()),
            author_id=str(uuid4()),
            text="BUY CHEAP FOLLOWERS NOW",
            submitted_at=NOON + timedelta(minutes=minutes),
            reasons=("spam",),
        )

    return make
