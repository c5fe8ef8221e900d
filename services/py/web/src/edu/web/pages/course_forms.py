"""The teacher's two forms, a course's details and a lesson, read and checked the way course
checks them (edu.web.validation), so each problem is named next to its field before a call."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form

from edu.web.clients.errors import ProblemError
from edu.web.clients.models import CourseDraft, LessonDraft
from edu.web.forms import FormErrors
from edu.web.validation import (
    COURSE_TITLE,
    LESSON_BODY,
    LESSON_TITLE,
    SUMMARY,
    minutes_problem,
    tag_problems,
    video_url_problem,
)

TextField = Annotated[str, Form(max_length=100_000)]
LEVELS = ("beginner", "intermediate", "advanced")
COURSE_FIELDS = {"title": "title", "summary": "summary", "level": "level", "tags": "tags"}
LESSON_FIELDS = {
    "title": "lesson_title",
    "body_markdown": "body",
    "estimated_minutes": "minutes",
    "video_url": "video_url",
}


def course_draft(title: str, summary: str, level: str, tags: str) -> tuple[CourseDraft, FormErrors]:
    """The draft as typed (tags split on commas, lower-cased) and what is wrong with it."""
    draft = CourseDraft(
        title=title.strip(),
        summary=summary.strip(),
        level=level if level in LEVELS else "beginner",
        tags=tuple(t.strip().lower() for t in tags.split(",") if t.strip()),
    )
    errors = FormErrors()
    for name, problem in (
        ("title", COURSE_TITLE.check(draft.title)),
        ("summary", SUMMARY.check(draft.summary)),
    ):
        if problem:
            errors.add(name, problem)
    for problem in tag_problems(draft.tags):
        errors.add("tags", problem)
    return draft, errors


def course_problem(problem: ProblemError, draft: CourseDraft) -> FormErrors:
    return FormErrors.from_problem(problem, COURSE_FIELDS, items={"tags": draft.tags})


def lesson_entered(title: str, body: str, minutes: str, video_url: str) -> dict[str, str]:
    return {"lesson_title": title, "body": body, "minutes": minutes, "video_url": video_url}


def lesson_draft(entered: dict[str, str]) -> tuple[LessonDraft | None, FormErrors]:
    """The lesson as the course API takes it, or None and what is wrong with the form."""
    errors = FormErrors()
    for name, problem in (
        ("lesson_title", LESSON_TITLE.check(entered["lesson_title"].strip())),
        ("minutes", minutes_problem(entered["minutes"])),
        ("body", LESSON_BODY.check(entered["body"])),
        ("video_url", video_url_problem(entered["video_url"])),
    ):
        if problem:
            errors.add(name, problem)
    if errors:
        return None, errors
    draft = LessonDraft(
        title=entered["lesson_title"].strip(),
        body_markdown=entered["body"],
        estimated_minutes=int(entered["minutes"].strip()),
        video_url=entered["video_url"].strip() or None,
    )
    return draft, errors


def lesson_problem(problem: ProblemError) -> FormErrors:
    return FormErrors.from_problem(problem, LESSON_FIELDS)
