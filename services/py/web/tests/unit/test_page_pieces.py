"""Small pieces the pages rely on: safe Markdown, form errors, where log-in may return to."""

from __future__ import annotations

import pytest

from edu.web.clients.errors import ProblemError
from edu.web.forms import FormErrors
from edu.web.lesson_markdown import render_lesson
from edu.web.pages.rendering import safe_next


class TestLessonMarkdown:
    def test_raw_html_is_shown_as_text(self) -> None:
        html = render_lesson('<img src=x onerror="alert(1)"> **ok**')
        assert "<img" not in html
        assert "&lt;img" in html
        assert "<strong>ok</strong>" in html

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "vbscript:x", "data:text/html,x"])
    def test_dangerous_links_are_not_links(self, url: str) -> None:
        assert "<a " not in render_lesson(f"[click]({url})")

    def test_headings_sit_under_the_pages_own_title(self) -> None:
        assert render_lesson("# Part one\n\n###### Deep") == "<h2>Part one</h2>\n<h6>Deep</h6>\n"

    def test_links_leave_without_referrer_or_opener(self) -> None:
        html = render_lesson("[docs](https://docs.example.org)")
        assert 'rel="nofollow noopener noreferrer"' in html


class TestFormErrors:
    def test_known_fields_go_next_to_the_field_and_others_above_the_form(self) -> None:
        problem = ProblemError(422, "Invalid", "", {"password": ("Too short.",), "x": ("Odd.",)})
        errors = FormErrors.from_problem(problem, {"password": "password"})
        assert errors.of("password") == ["Too short."]
        assert errors.general == ["Odd."]

    def test_a_conflict_goes_next_to_the_named_field(self) -> None:
        problem = ProblemError(409, "Conflict", "This email is taken.")
        errors = FormErrors.from_problem(problem, {}, conflict_field="email")
        assert errors.of("email") == ["This email is taken."]
        assert not errors.general


class TestSafeNext:
    @pytest.mark.parametrize("target", ["/learning", "/courses/1?x=2"])
    def test_paths_on_this_site_are_kept(self, target: str) -> None:
        assert safe_next(target, "/d") == target

    @pytest.mark.parametrize(
        "target", ["", "learning", "//evil.example", "/\\evil", "https://evil.example", "/a\r\nb"]
    )
    def test_anything_else_becomes_the_default(self, target: str) -> None:
        assert safe_next(target, "/d") == "/d"
