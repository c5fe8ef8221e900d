"""The review queue: who sees which held items, and deciding them once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from edu.auth.principal import STUDENT, TEACHER, Principal
from edu.common.clock import FakeClock
from edu.common.problems import Conflict, NotFound, PermissionDenied
from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.items import ModerationItem
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.service_layer.reviews import ADMIN, Reviews
from edu.moderation.service_layer.submissions import CourseSnapshot, Submission, Submissions
from edu.moderation.testing import FakeModerationUnitOfWork

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
MakeSubmission = Callable[..., Submission]
MakePrincipal = Callable[..., Principal]
SHOUTING = "WHY DOES THE TEST NEVER PASS FOR ME"


Hold = Callable[..., Awaitable[ModerationItem]]


@pytest.fixture
def hold(submissions: Submissions, make_submission: MakeSubmission) -> Hold:
    """Submit a post the rules hold for review (in course c-1 unless told) and return its item."""

    async def held(course_id: str = "c-1", **fields: object) -> ModerationItem:
        _, item = await submissions.moderate(
            make_submission(SHOUTING, course_id=course_id, **fields)
        )
        assert item is not None
        assert item.outcome is Outcome.HOLD
        return item

    return held


@pytest.fixture
def teacher(person: MakePrincipal) -> Principal:
    return person(TEACHER, STUDENT)


@pytest.fixture
async def owned(submissions: Submissions, teacher: Principal) -> None:
    await submissions.remember_owner(CourseSnapshot("c-1", str(teacher.user_id), 1))
    await submissions.remember_owner(CourseSnapshot("c-2", "another-teacher", 1))


@pytest.mark.usefixtures("owned")
class TestQueue:
    async def test_a_teacher_sees_the_held_items_of_their_courses_oldest_first(
        self,
        reviews: Reviews,
        hold: Hold,
        submissions: Submissions,
        make_submission: MakeSubmission,
        teacher: Principal,
    ) -> None:
        later = await hold(posted_at=NOON + timedelta(minutes=1))
        first = await hold(author_id="s-9")
        await hold(course_id="c-2")
        await submissions.moderate(make_submission("A fine question about loops"))
        assert [i.id for i in await reviews.queue(teacher)] == [first.id, later.id]

    async def test_an_admin_sees_every_course_or_one_asked_for(
        self,
        reviews: Reviews,
        hold: Hold,
        person: MakePrincipal,
    ) -> None:
        await hold()
        other = await hold(course_id="c-2", author_id="s-2")
        admin = person(ADMIN)
        assert len(await reviews.queue(admin)) == 2
        assert [i.id for i in await reviews.queue(admin, "c-2")] == [other.id]

    async def test_a_teacher_asking_for_another_teachers_course_sees_nothing(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
    ) -> None:
        await hold(course_id="c-2")
        assert await reviews.queue(teacher, "c-2") == []

    async def test_a_student_may_not_review(self, reviews: Reviews, person: MakePrincipal) -> None:
        with pytest.raises(PermissionDenied):
            await reviews.queue(person(STUDENT))

    async def test_pages_are_cut_to_at_most_a_hundred(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
    ) -> None:
        await hold()
        await hold(author_id="s-2")
        assert len(await reviews.queue(teacher, limit=1)) == 1
        assert len(await reviews.queue(teacher, limit=1, offset=1)) == 1
        assert len(await reviews.queue(teacher, limit=10_000)) == 2


@pytest.mark.usefixtures("owned")
class TestDecide:
    async def test_allowing_a_held_item_announces_version_two_with_the_reviewer(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
        uow: FakeModerationUnitOfWork,
        clock: FakeClock,
    ) -> None:
        item = await hold()
        decided = await reviews.decide(teacher, item.id, Outcome.ALLOW)
        assert decided.outcome is Outcome.ALLOW
        assert decided.reviewer_id == teacher.user_id
        assert decided.reviewed_at == clock.now()
        event = uow.outbox.events[-1]
        assert (event.version, event.payload["outcome"]) == (2, "MODERATION_OUTCOME_ALLOW")
        assert event.payload["reviewer_id"] == str(teacher.user_id)
        assert await reviews.queue(teacher) == []

    async def test_the_same_decision_again_changes_nothing_and_announces_nothing(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
        uow: FakeModerationUnitOfWork,
    ) -> None:
        item = await hold()
        first = await reviews.decide(teacher, item.id, Outcome.REJECT)
        again = await reviews.decide(teacher, item.id, Outcome.REJECT)
        assert again.reviewed_at == first.reviewed_at
        assert len(uow.outbox.events) == 2

    async def test_another_decision_afterwards_is_a_conflict(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
    ) -> None:
        item = await hold()
        await reviews.decide(teacher, item.id, Outcome.REJECT)
        with pytest.raises(Conflict, match="already decided"):
            await reviews.decide(teacher, item.id, Outcome.ALLOW)

    async def test_holding_again_is_no_decision(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
    ) -> None:
        item = await hold()
        with pytest.raises(Conflict, match="allowing or rejecting"):
            await reviews.decide(teacher, item.id, Outcome.HOLD)

    async def test_what_the_rules_rejected_is_not_in_the_queue_to_decide(
        self,
        reviews: Reviews,
        submissions: Submissions,
        make_submission: MakeSubmission,
        person: MakePrincipal,
    ) -> None:
        _, item = await submissions.moderate(make_submission("you idiot"))
        assert item is not None
        with pytest.raises(NotFound):
            await reviews.decide(person(ADMIN), item.id, Outcome.ALLOW)

    async def test_another_teachers_item_is_not_found(
        self,
        reviews: Reviews,
        hold: Hold,
        teacher: Principal,
    ) -> None:
        item = await hold(course_id="c-2")
        with pytest.raises(NotFound):
            await reviews.decide(teacher, item.id, Outcome.ALLOW)
        with pytest.raises(NotFound):
            await reviews.get(teacher, item.id)

    async def test_an_unknown_item_is_not_found(
        self, reviews: Reviews, person: MakePrincipal
    ) -> None:
        with pytest.raises(NotFound):
            await reviews.get(person(ADMIN), uuid4())


class TestReviewRules:
    def test_deciding_what_the_rules_allowed_is_a_conflict(self) -> None:
        item = ModerationItem(
            id=uuid4(),
            source_event_id=uuid4(),
            kind=ItemKind.QUESTION,
            subject_id="q",
            course_id="c",
            author_id="a",
            text="t",
            submitted_at=NOON,
            outcome=Outcome.ALLOW,
            reasons=(),
        )
        with pytest.raises(Conflict, match="only held items"):
            item.review(Outcome.REJECT, uuid4(), NOON)
