"""The figures: exact median, drop-off buckets, lesson order."""

from __future__ import annotations

from edu.analytics_api.domain.figures import (
    Bucket,
    LessonCounts,
    SessionRow,
    drop_off,
    lesson_figures,
    median,
)


def row(
    last: int | None, furthest: int = 0, *, duration: int = 600, done: bool = False
) -> SessionRow:
    return SessionRow("l-1", last, furthest, duration, done)


class TestMedian:
    def test_the_median_of_an_odd_count_is_the_middle_value(self) -> None:
        assert median([500, 10, 300]) == 300

    def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(self) -> None:
        assert median([10, 20, 30, 40]) == 25

    def test_no_sessions_no_median(self) -> None:
        assert median([]) is None


class TestDropOff:
    def test_unfinished_sessions_fall_in_tenths_of_the_video(self) -> None:
        sessions = [row(0), row(59), row(60), row(599), row(600), row(400, done=True), row(None)]

        buckets = drop_off(sessions, 600)

        assert len(buckets) == 10
        assert buckets[0] == Bucket(0, 60, 2)
        assert buckets[1] == Bucket(60, 120, 1)
        assert buckets[9] == Bucket(540, 600, 2), "the end of the video counts in the last tenth"
        assert sum(b.sessions for b in buckets) == 5, "finished and position-less visits left out"

    def test_a_lesson_without_video_is_bucketed_by_minute(self) -> None:
        assert drop_off([row(30, duration=0), row(130, duration=0)], 0) == (
            Bucket(0, 60, 1),
            Bucket(60, 120, 0),
            Bucket(120, 180, 1),
        )


def test_lesson_figures_take_the_median_of_how_far_each_visit_got() -> None:
    figures = lesson_figures(
        LessonCounts("l-1", 3, 2, 1, 1), [row(100, 200), row(50, 400), row(10, 30)]
    )

    assert figures.median_position_seconds == 200
    assert (figures.sessions, figures.duration_seconds) == (3, 600)
