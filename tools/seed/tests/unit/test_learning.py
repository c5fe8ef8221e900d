"""The learning-event history: deterministic, and consistent with the enrolment plan."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from edu.seed import learning
from edu.seed.learning import HISTORY_DAYS, LearningEventSpec, learning_history, subject_of
from edu.seed.plan import SeedPlan, plan_for
from edu.seed.sizes import SIZES, SeedSize

SMALL = SeedSize("small", courses=10, students=60)
UNTIL = datetime(2026, 12, 5, tzinfo=UTC)


def sessions(history: tuple[LearningEventSpec, ...]) -> dict[str, list[LearningEventSpec]]:
    visits: dict[str, list[LearningEventSpec]] = defaultdict(list)
    for event in history:
        if event.type != learning.SEARCHED:
            visits[event.session].append(event)
    return visits


def lessons_done(plan: SeedPlan) -> dict[tuple[int, int], int]:
    return {(e.student_index, e.course_index): e.lessons_done for e in plan.enrollments}


class TestLearningHistory:
    def test_is_the_same_for_the_same_plan_and_day(self) -> None:
        assert learning_history(plan_for(SMALL), UNTIL) == learning_history(plan_for(SMALL), UNTIL)

    def test_event_keys_are_unique_and_all_events_fall_in_the_days_before_until(self) -> None:
        history = learning_history(plan_for(SMALL), UNTIL)
        assert len({e.key for e in history}) == len(history) > 0
        assert all(
            UNTIL - timedelta(days=HISTORY_DAYS + 1) < e.occurred_at < UNTIL for e in history
        )

    def test_every_completed_lesson_was_opened_watched_and_finished_in_one_visit(self) -> None:
        plan = plan_for(SMALL)
        visits = sessions(learning_history(plan, UNTIL))
        finished = {
            (v[0].student_index, v[0].course_index, v[0].lesson_position)
            for v in visits.values()
            if v[-1].type == learning.FINISHED
        }
        completed = {
            (e.student_index, e.course_index, position)
            for e in plan.enrollments
            for position in range(e.lessons_done)
        }
        assert finished == completed
        for visit in visits.values():
            assert visit[0].type == learning.OPENED
            assert [e.occurred_at for e in visit] == sorted(e.occurred_at for e in visit)
            if visit[-1].type == learning.FINISHED:
                beats = [e for e in visit if e.type == learning.HEARTBEAT]
                assert len(beats) == len(learning.HEARTBEATS)
                assert 2 * (beats[-2].position or 0) >= (beats[-1].position or 0)  # halfway

    def test_some_students_stop_midway_in_the_lesson_after_their_last_completed_one(self) -> None:
        plan = plan_for(SMALL)
        done = lessons_done(plan)
        visits = sessions(learning_history(plan, UNTIL))
        dropped = [v for v in visits.values() if learning.FINISHED not in {e.type for e in v}]
        assert dropped
        for visit in dropped:
            first = visit[0]
            assert first.course_index is not None
            assert first.lesson_position is not None
            # the next lesson after the completed ones, or an earlier, abandoned visit
            planned = done[(first.student_index, first.course_index)]
            assert first.lesson_position <= planned
            last_beat = [e for e in visit if e.type == learning.HEARTBEAT][-1]
            assert last_beat.position is not None
            assert all(last_beat.position >= (e.position or 0) for e in visit)

    def test_only_enrolled_lessons_have_events_and_searches_name_a_course_subject(self) -> None:
        plan = plan_for(SMALL)
        courses = {c.index: c for c in plan.courses}
        history = learning_history(plan, UNTIL)
        done = lessons_done(plan)
        for event in history:
            if event.type == learning.SEARCHED:
                assert event.course_index is None
                assert event.session.endswith("/search")
                assert event.results >= 1
                assert event.query in {subject_of(c).lower() for c in plan.courses}
            else:
                assert (event.student_index, event.course_index) in done
                assert event.course_index is not None
                assert event.lesson_position is not None
                assert event.lesson_position < len(courses[event.course_index].lessons)
        assert any(e.type == learning.SEARCHED for e in history)

    def test_video_lessons_play_and_text_lessons_have_no_duration(self) -> None:
        plan = plan_for(SMALL)
        courses = {c.index: c for c in plan.courses}
        kinds: Counter[tuple[bool, str]] = Counter()
        for event in learning_history(plan, UNTIL):
            if event.course_index is None or event.lesson_position is None:
                continue
            lesson = courses[event.course_index].lessons[event.lesson_position]
            kinds[(lesson.video_url is not None, event.type)] += 1
            if event.type == learning.HEARTBEAT:
                assert (event.duration > 0) == (lesson.video_url is not None)
        assert kinds[(True, learning.PLAYED)] > 0
        assert kinds[(False, learning.PLAYED)] == kinds[(False, learning.PAUSED)] == 0

    def test_only_every_nth_student_has_history_and_s_keeps_a_tenth(self) -> None:
        plan = plan_for(SMALL)
        every_third = replace(plan, size=replace(SMALL, history_every=3))
        students = {e.student_index for e in learning_history(every_third, UNTIL)}
        assert students
        assert all(s % 3 == 0 for s in students)
        assert SIZES["S"].history_every == 10
        assert SIZES["M"].history_every < SIZES["L"].history_every
