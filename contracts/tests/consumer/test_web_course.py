"""web -> course: the catalogue and a teacher's authoring, through web's real course client.

The course editor's calls name a course and a lesson the provider made: their paths carry
``fromProviderState`` expressions (``${course_id}``, ``${lesson_id}``) that the provider's
state fills in with the ids it created; here they are examples matched by a pattern."""

from __future__ import annotations

import warnings
from typing import Any
from uuid import UUID

import pytest
from pact import Pact, generate, match
from pact.match import AbstractMatcher
from pact.match.matcher import GenericMatcher

from edu.web.clients.course import HttpCourseClient
from edu.web.clients.models import CourseDraft, LessonDraft
from edu.web.clients.transport import ServiceTransport

# A new course has no lessons and a course need not have tags: `each_like(min=0)` writes the
# `"min": 0` rule the provider must meet; pact-python only warns that min 0 is unusual.
warnings.filterwarnings("ignore", "The minimum number of items", UserWarning)


def from_state(example: str, expression: str, regex: str) -> AbstractMatcher[str]:
    """``example`` in the consumer test, matched by ``regex``; the verifier sends
    ``expression`` with the provider state's values (pact-python's ``match.regex`` takes no
    generator)."""
    generator = generate.provider_state(expression)
    return GenericMatcher("regex", example, generator=generator, extra_fields={"regex": regex})


JSON = "application/json"
COURSE_ID = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b"
LESSON_ID = "5d6e7f80-9a1b-4c2d-8e3f-405162738495"
AN_ID = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
BEARER = match.regex("Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln", regex=r"^Bearer \S+$")
SUMMARY = {
    "id": match.uuid(COURSE_ID),
    "title": match.str("Python from scratch"),
    "summary": match.str("Variables to classes."),
    "level": match.str("beginner"),
    "tags": match.each_like("python", min=0),
    "lesson_count": match.int(1),
    "total_minutes": match.int(10),
}
LESSON = {
    "id": match.uuid(LESSON_ID),
    "position": match.int(1),
    "title": match.str("Hello, world"),
    "body_markdown": match.str("Print something."),
    "video_url": None,
    "estimated_minutes": match.int(10),
}
COURSE_PATH = from_state(f"/courses/{COURSE_ID}", "/courses/${course_id}", rf"^/courses/{AN_ID}$")
PRICE_PATH = from_state(
    f"/courses/{COURSE_ID}/price", "/courses/${course_id}/price", rf"^/courses/{AN_ID}/price$"
)
LESSON_PATH = from_state(
    f"/courses/{COURSE_ID}/lessons/{LESSON_ID}",
    "/courses/${course_id}/lessons/${lesson_id}",
    rf"^/courses/{AN_ID}/lessons/{AN_ID}$",
)
REVISED_COURSE = {
    "title": "Rust for teachers, revised",
    "summary": "Ownership and borrowing.",
    "level": "advanced",
    "tags": ["rust", "ownership"],
}
REVISED_LESSON = {
    "title": "Hello again",
    "body_markdown": "Print it twice.",
    "estimated_minutes": 15,
    "video_url": None,
}
TEACHER_COURSE = {
    "id": match.uuid(COURSE_ID),
    "title": match.str("Rust for teachers"),
    "summary": match.str("Ownership, gently."),
    "level": match.str("intermediate"),
    "tags": match.each_like("rust", min=0),
    "status": match.str("draft"),
    "lessons": match.each_like(LESSON, min=0),
}


def course_pact() -> Pact:
    pact = Pact("web", "course").with_specification("V4")
    (
        pact.upon_receiving("a visitor browses the catalogue")
        .given("a published course")
        .with_request("GET", "/courses")
        .with_query_parameters({"page": "1", "page_size": "12"})
        .will_respond_with(200)
        .with_body(
            {"items": match.each_like(SUMMARY), "total": match.int(1), "page": 1, "page_size": 12},
            JSON,
        )
    )
    (
        pact.upon_receiving("a teacher creates a course")
        .given("a signed-in teacher")
        .with_request("POST", "/courses")
        .with_header("Authorization", BEARER)
        .with_body(
            {
                "title": "Rust for teachers",
                "summary": "Ownership, gently.",
                "level": "intermediate",
                "tags": ["rust"],
            },
            JSON,
        )
        .will_respond_with(201)
        .with_body({**TEACHER_COURSE, "lessons": []}, JSON)
    )
    (
        pact.upon_receiving("a teacher lists the courses they teach")
        .given("a signed-in teacher with a draft course")
        .with_request("GET", "/teaching/courses")
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body(match.each_like(TEACHER_COURSE), JSON)
    )
    (
        pact.upon_receiving("a teacher edits a course's details")
        .given("a signed-in teacher with a draft course")
        .with_request("PUT", COURSE_PATH)
        .with_header("Authorization", BEARER)
        .with_body(REVISED_COURSE, JSON)
        .will_respond_with(200)
        .with_body({**TEACHER_COURSE, **REVISED_COURSE}, JSON)
    )
    (
        pact.upon_receiving("a teacher edits a lesson")
        .given("a signed-in teacher with a draft course")
        .with_request("PUT", LESSON_PATH)
        .with_header("Authorization", BEARER)
        .with_body(REVISED_LESSON, JSON)
        .will_respond_with(200)
        .with_body({**LESSON, **REVISED_LESSON}, JSON)
    )
    (
        pact.upon_receiving("a teacher deletes a lesson")
        .given("a signed-in teacher with a draft course")
        .with_request("DELETE", LESSON_PATH)
        .with_header("Authorization", BEARER)
        .will_respond_with(204)
    )
    price = {"currency_code": "EUR", "amount_minor": 4990}
    (
        pact.upon_receiving("a teacher puts a price on a course")
        .given("a signed-in teacher with a draft course")
        .with_request("PUT", PRICE_PATH)
        .with_header("Authorization", BEARER)
        .with_body(price, JSON)
        .will_respond_with(200)
        .with_body({"price": {**price, "display": match.str("49.90 EUR")}}, JSON)
    )
    (
        pact.upon_receiving("a teacher makes a course free")
        .given("a signed-in teacher with a draft course")
        .with_request("DELETE", PRICE_PATH)
        .with_header("Authorization", BEARER)
        .will_respond_with(200)
        .with_body({"price": None}, JSON)
    )
    return pact


@pytest.mark.pact_pair("web", "course")
class TestWebCourseContract:
    async def test_web_course_client_reads_what_course_promises(self, pact_check: Any) -> None:
        pact = course_pact()
        token = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
        with pact.serve() as server:
            client = HttpCourseClient(ServiceTransport("course", str(server.url), timeout=5))
            page = await client.browse(None, page=1, page_size=12)
            draft = CourseDraft(
                title="Rust for teachers",
                summary="Ownership, gently.",
                level="intermediate",
                tags=("rust",),
            )
            created = await client.create_course(token, draft)
            teaching = await client.teaching_courses(token)
            course_id, lesson_id = UUID(COURSE_ID), UUID(LESSON_ID)
            revised = CourseDraft(
                title="Rust for teachers, revised",
                summary="Ownership and borrowing.",
                level="advanced",
                tags=("rust", "ownership"),
            )
            edited = await client.update_course(token, course_id, revised)
            lesson_draft = LessonDraft(
                title="Hello again", body_markdown="Print it twice.", estimated_minutes=15
            )
            lesson = await client.update_lesson(token, course_id, lesson_id, lesson_draft)
            await client.delete_lesson(token, course_id, lesson_id)
            await client.price_course(token, course_id, "EUR", 4990)
            await client.make_free(token, course_id)
            assert page.items[0].title == "Python from scratch"
            assert created.status == "draft"
            assert teaching[0].lessons[0].position == 1
            assert edited.title == "Rust for teachers, revised"
            assert edited.tags == ("rust", "ownership")
            assert (lesson.title, lesson.estimated_minutes) == ("Hello again", 15)
        pact_check(pact)
