"""Moderating a submitted text: once per event, with the author's recent posts in view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from edu.moderation.domain.decisions import Outcome
from edu.moderation.domain.moderator import ItemKind
from edu.moderation.service_layer.submissions import CourseSnapshot, Result, Submission, Submissions
from edu.moderation.testing import FakeModerationUnitOfWork

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
MakeSubmission = Callable[..., Submission]


class TestModerate:
    async def test_a_fine_question_is_allowed_and_announced(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        submission = make_submission("How do I start lesson one?")
        result, item = await submissions.moderate(submission)
        assert result is Result.DECIDED
        assert item is not None
        assert item.outcome is Outcome.ALLOW
        [event] = uow.outbox.of_type("moderation.decided")
        assert event.aggregate_id == str(item.id)
        assert event.version == 1
        assert event.payload["outcome"] == "MODERATION_OUTCOME_ALLOW"
        assert event.payload["subject_id"] == submission.subject_id
        assert uow.committed

    async def test_a_rejected_answer_names_its_reasons_in_the_event(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        await submissions.moderate(make_submission("You idiot", kind=ItemKind.ANSWER))
        [event] = uow.outbox.events
        assert event.payload["outcome"] == "MODERATION_OUTCOME_REJECT"
        assert event.payload["kind"] == "MODERATED_ITEM_KIND_ANSWER"
        assert event.payload["reasons"] == [{"code": "abusive_language", "detail": "en: idiot"}]

    async def test_a_redelivered_event_changes_nothing_and_announces_nothing(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        submission = make_submission("WHY IS THIS SO HARD TO FOLLOW")
        _, first = await submissions.moderate(submission)
        result, again = await submissions.moderate(submission)
        assert result is Result.DUPLICATE
        assert again == first
        assert len(uow.items.items) == 1
        assert len(uow.outbox.events) == 1

    async def test_the_same_text_again_within_the_window_is_a_repeat(
        self, submissions: Submissions, make_submission: MakeSubmission
    ) -> None:
        text = "Can someone explain the second exercise please"
        await submissions.moderate(make_submission(text))
        later = NOON + timedelta(minutes=3)
        _, item = await submissions.moderate(make_submission(text, posted_at=later))
        assert item is not None
        assert item.outcome is Outcome.REJECT
        assert [r.code for r in item.reasons] == ["repeated_post"]

    async def test_another_authors_identical_text_is_no_repeat(
        self, submissions: Submissions, make_submission: MakeSubmission
    ) -> None:
        text = "Can someone explain the second exercise please"
        await submissions.moderate(make_submission(text))
        _, item = await submissions.moderate(make_submission(text, author_id="s-2"))
        assert item is not None
        assert item.outcome is Outcome.ALLOW

    async def test_the_same_text_after_the_window_is_fine(
        self, submissions: Submissions, make_submission: MakeSubmission
    ) -> None:
        text = "Can someone explain the second exercise please"
        await submissions.moderate(make_submission(text))
        later = NOON + timedelta(minutes=11)
        _, item = await submissions.moderate(make_submission(text, posted_at=later))
        assert item is not None
        assert item.outcome is Outcome.ALLOW

    async def test_a_course_title_is_checked_and_its_owner_remembered(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        course = make_submission(
            "BUY NOW cheap essays",
            kind=ItemKind.COURSE,
            subject_id="c-1",
            author_id="t-1",
            subject_version=3,
        )
        _, item = await submissions.moderate(course, CourseSnapshot("c-1", "t-1", 3))
        assert item is not None
        assert item.outcome is Outcome.HOLD
        assert await uow.courses.teacher_of("c-1") == "t-1"
        assert uow.outbox.events[0].payload["subject_version"] == 3

    async def test_a_course_whose_title_did_not_change_is_not_checked_again(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        def course(version: int) -> Submission:
            return make_submission(
                "Compilers", kind=ItemKind.COURSE, subject_id="c-1", subject_version=version
            )

        await submissions.moderate(course(1))
        result, _ = await submissions.moderate(course(2))
        assert result is Result.UNCHANGED
        assert len(uow.outbox.events) == 1

    async def test_course_titles_never_count_as_repeated_posts(
        self, submissions: Submissions, make_submission: MakeSubmission
    ) -> None:
        title = "An introduction to compilers and interpreters"
        for course_id in ("c-1", "c-2"):
            _, item = await submissions.moderate(
                make_submission(
                    title, kind=ItemKind.COURSE, subject_id=course_id, course_id=course_id
                )
            )
            assert item is not None
            assert item.outcome is Outcome.ALLOW

    async def test_an_unpublished_course_keeps_its_owner_and_an_older_snapshot_loses(
        self, submissions: Submissions, uow: FakeModerationUnitOfWork
    ) -> None:
        await submissions.remember_owner(CourseSnapshot("c-1", "t-2", 5))
        await submissions.remember_owner(CourseSnapshot("c-1", "t-1", 4))
        assert await uow.courses.teacher_of("c-1") == "t-2"
        assert await uow.courses.courses_of("t-2") == ["c-1"]

    async def test_nothing_is_kept_when_storing_the_item_fails(
        self,
        submissions: Submissions,
        uow: FakeModerationUnitOfWork,
        make_submission: MakeSubmission,
    ) -> None:
        await submissions.remember_owner(CourseSnapshot("c-1", "t-1", 1))
        uow.items.fail_adds = True
        with pytest.raises(ConnectionError):
            await submissions.moderate(
                make_submission(kind=ItemKind.COURSE, subject_id="c-1"),
                CourseSnapshot("c-1", "t-2", 2),
            )
        assert uow.items.items == {}
        assert uow.outbox.events == []
        assert await uow.courses.teacher_of("c-1") == "t-1"
