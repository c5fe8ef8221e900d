"""Which questions wait for an answer, and the figures' rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edu.teacher_tools.domain.dashboard import EnrolmentFigures, Section, SectionStatus
from edu.teacher_tools.domain.questions import Post, PostKind, unanswered_questions

MakePost = Callable[..., Post]


class TestUnansweredQuestions:
    def test_a_question_without_an_answer_waits(self, make_post: MakePost) -> None:
        question = make_post()
        assert unanswered_questions([question]) == [question]

    def test_a_visible_answer_answers_its_question_only(self, make_post: MakePost) -> None:
        answered, waiting = make_post(), make_post(minutes=1)
        answer = make_post(answers=answered, minutes=2)
        assert unanswered_questions([answered, waiting, answer]) == [waiting]

    def test_an_answer_others_do_not_see_yet_answers_nothing(self, make_post: MakePost) -> None:
        question = make_post()
        pending = make_post(answers=question, visible=False, minutes=1)
        assert unanswered_questions([question, pending]) == [question]

    def test_the_callers_own_pending_question_is_not_listed(self, make_post: MakePost) -> None:
        assert unanswered_questions([make_post(visible=False)]) == []

    def test_questions_come_oldest_first(self, make_post: MakePost) -> None:
        late, early = make_post(minutes=5), make_post(minutes=1)
        assert unanswered_questions([late, early]) == [early, late]

    def test_an_answer_before_its_question_in_the_page_still_counts(
        self, make_post: MakePost
    ) -> None:
        question = make_post()
        answer = make_post(answers=question)
        assert unanswered_questions([answer, question]) == []

    def test_nothing_posted_means_nothing_waits(self) -> None:
        assert unanswered_questions([]) == []

    def test_answers_are_never_listed_as_questions(self, make_post: MakePost) -> None:
        orphan = make_post(kind=PostKind.ANSWER)
        assert unanswered_questions([orphan]) == []


class TestEnrolmentFigures:
    def test_completion_rate_is_completed_over_enrolled(self) -> None:
        figures = EnrolmentFigures(enrolled=8, completed=2)
        assert (figures.completion_rate, figures.active) == (0.25, 6)

    def test_no_rate_before_anyone_enrolled(self) -> None:
        assert EnrolmentFigures(enrolled=0, completed=0).completion_rate is None

    def test_more_completed_than_enrolled_is_refused(self) -> None:
        with pytest.raises(ValueError, match="impossible"):
            EnrolmentFigures(enrolled=1, completed=2)


class TestSection:
    def test_an_unavailable_section_keeps_its_reason_and_no_value(self) -> None:
        section: Section[int] = Section.unavailable("messaging: answered 503")
        assert (section.status, section.value, section.available) == (
            SectionStatus.UNAVAILABLE,
            None,
            False,
        )
        assert section.reason == "messaging: answered 503"
