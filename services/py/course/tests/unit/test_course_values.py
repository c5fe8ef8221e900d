"""What a teacher may write: titles, tags, video URLs, estimates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edu.common.problems import InvalidInput
from edu.course.domain.values import (
    MINUTES_MAX,
    TAGS_MAX,
    TITLE_MAX,
    CourseDetails,
    LessonContent,
)

# The slugs r"[a-z0-9]{1,8}(-[a-z0-9]{1,8})?" matches, built directly: from_regex(...,
# fullmatch=True) draws and filters, ~0.35 s for the same examples.
SLUG_PART = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
SLUGS = SLUG_PART | st.builds("{}-{}".format, SLUG_PART, SLUG_PART)


class TestCourseDetails:
    def test_title_is_trimmed(self) -> None:
        assert CourseDetails("  Algebra  ").title == "Algebra"

    @pytest.mark.parametrize("title", ["", "   ", "x" * (TITLE_MAX + 1)])
    def test_empty_or_overlong_titles_are_refused(self, title: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            CourseDetails(title)
        assert [p.field for p in caught.value.errors] == ["title"]

    def test_tags_are_lower_cased_and_deduplicated_keeping_order(self) -> None:
        details = CourseDetails("T", tags=("Python", "web", "python"))
        assert details.tags == ("python", "web")

    @pytest.mark.parametrize("tag", ["two words", "under_score", "-edge", "é"])
    def test_tags_must_be_hyphenated_slugs(self, tag: str) -> None:
        with pytest.raises(InvalidInput, match="values"):
            CourseDetails("T", tags=(tag,))

    def test_too_many_tags_are_refused(self) -> None:
        with pytest.raises(InvalidInput):
            CourseDetails("T", tags=tuple(f"t{i}" for i in range(TAGS_MAX + 1)))

    @given(st.lists(SLUGS, max_size=10))
    def test_any_list_of_slugs_is_accepted(self, tags: list[str]) -> None:
        assert set(CourseDetails("T", tags=tuple(tags)).tags) == set(tags)


class TestLessonContent:
    @pytest.mark.parametrize("url", ["https://video.example/v/1", "http://localhost:8080/a.mp4"])
    def test_web_video_urls_are_accepted(self, url: str) -> None:
        assert LessonContent("L", video_url=url).video_url == url

    @pytest.mark.parametrize(
        "url", ["javascript:alert(1)", "ftp://x/y", "https://", "not a url", "https://a b"]
    )
    def test_other_video_urls_are_refused_with_the_field_named(self, url: str) -> None:
        with pytest.raises(InvalidInput) as caught:
            LessonContent("L", video_url=url)
        assert caught.value.errors[0].field == "video_url"

    @pytest.mark.parametrize("minutes", [0, -5, MINUTES_MAX + 1])
    def test_estimates_outside_the_range_are_refused(self, minutes: int) -> None:
        with pytest.raises(InvalidInput):
            LessonContent("L", estimated_minutes=minutes)

    def test_every_problem_is_reported_at_once(self) -> None:
        with pytest.raises(InvalidInput) as caught:
            LessonContent("", video_url="nope", estimated_minutes=0)
        assert {p.field for p in caught.value.errors} == {
            "title",
            "video_url",
            "estimated_minutes",
        }
