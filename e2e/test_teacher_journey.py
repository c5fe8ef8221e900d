"""Flow 2: a teacher creates a course with lessons, reorders them, publishes it, and a student
then finds it in the catalogue with the lessons in the new order."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

PASSWORD = "violet-kettle-orbit-9"


class TestTeacherJourney:
    def test_create_add_lessons_reorder_publish_and_a_student_finds_it(
        self, page: Page, new_context: Callable[..., BrowserContext]
    ) -> None:
        title = f"Pottery {uuid.uuid4().hex[:6]} for beginners"
        page.goto("/signup")
        page.get_by_label("Email address").fill(f"teacher-{uuid.uuid4().hex[:10]}@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("I also want to teach courses").check()
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", name="Teacher dashboard")).to_be_visible()

        page.get_by_label("Course title").fill(title)
        page.get_by_label("Summary").fill("Clay, wheel and kiln.")
        page.get_by_role("button", name="Create course").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        for lesson in ("Wedging clay", "Centering", "Glazing"):
            page.get_by_label("Lesson title").fill(lesson)
            page.get_by_label("Lesson text (Markdown)").fill(f"## {lesson}\n\nPractice *daily*.")
            page.get_by_role("button", name="Add lesson").click()
        page.get_by_role("button", name="Move “Glazing” up").click()
        lessons = page.get_by_role("region", name="Lessons").get_by_role("listitem")
        expect(lessons).to_contain_text(["Wedging clay", "Glazing", "Centering"])
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("Published", exact=True)).to_be_visible()

        student = new_context().new_page()  # someone else, in a browser of their own
        student.goto("/")
        student.get_by_label("Search courses").fill(title.split()[1])
        student.get_by_role("button", name="Search").click()
        student.get_by_role("link", name=title).click()
        outline = student.get_by_role("region", name="Lessons").get_by_role("listitem")
        expect(outline).to_contain_text(["Wedging clay", "Glazing", "Centering"])
