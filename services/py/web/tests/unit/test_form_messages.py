"""Validation messages a person can act on: next to the field, in words (never pydantic's
"String should …" or a regular expression), each problem once, naming the tag that is wrong;
and the inputs carry the services' own limits as HTML constraints."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from edu.web import validation
from edu.web.clients.errors import ProblemError
from edu.web.forms import FormErrors
from edu.web.testing import FakeCourseClient, FakeIdentityClient

Call = Callable[..., Awaitable[Any]]
CONTRACTS = Path(__file__).resolve().parents[5] / "contracts" / "openapi"
TAG_PATTERN = "String should match pattern '^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$'."
MACHINE_WORDS = re.compile(r"String should|Input should|pattern|\^\[")


def schema(service: str, name: str) -> dict[str, Any]:
    document = json.loads((CONTRACTS / f"{service}.json").read_text())
    found: dict[str, Any] = document["components"]["schemas"][name]["properties"]
    return found


def field_error(page: httpx.Response, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page.text, re.S)
    assert found is not None, f"no error next to {name}"
    return found.group(1)


class TestLimitsMatchTheServices:
    def test_course_and_lesson_limits_are_the_course_apis(self) -> None:
        course, lesson = schema("course", "CourseIn"), schema("course", "LessonIn")
        assert validation.COURSE_TITLE.max_length == course["title"]["maxLength"]
        assert validation.SUMMARY.max_length == course["summary"]["maxLength"]
        assert validation.TAG.max_length == course["tags"]["items"]["maxLength"]
        assert course["tags"]["maxItems"] == validation.MAX_TAGS
        assert validation.LESSON_TITLE.max_length == lesson["title"]["maxLength"]
        assert validation.LESSON_BODY.max_length == lesson["body_markdown"]["maxLength"]
        assert validation.VIDEO_URL.max_length == lesson["video_url"]["anyOf"][0]["maxLength"]
        minutes = lesson["estimated_minutes"]
        assert (validation.MINUTES.minimum, validation.MINUTES.maximum) == (
            minutes["minimum"],
            minutes["maximum"],
        )

    def test_sign_up_limits_are_identitys(self) -> None:
        sign_up = schema("identity", "SignUpRequest")
        assert validation.EMAIL.max_length == sign_up["email"]["maxLength"]
        assert validation.PASSWORD.min_length == sign_up["password"]["minLength"]
        assert validation.PASSWORD.max_length == sign_up["password"]["maxLength"]


class TestServiceMessagesInWords:
    def test_each_bad_tag_is_named_once_next_to_the_tags_field(self) -> None:
        problem = ProblemError(
            422,
            "Invalid",
            "See errors.",
            {
                "title": ("String should have at most 200 characters.",),
                "tags.1": (TAG_PATTERN,),
                "tags.2": (TAG_PATTERN,),
            },
        )
        errors = FormErrors.from_problem(
            problem, {"title": "title", "tags": "tags"}, items={"tags": ["ok", "bad tag", "c++"]}
        )
        assert errors.of("title") == ["The course title can have at most 200 characters."]
        (first, second) = errors.of("tags")
        assert "“bad tag”" in first
        assert "“c++”" in second
        assert not errors.general
        assert not MACHINE_WORDS.search(" ".join(errors.of("tags")))

    @pytest.mark.parametrize(
        ("field", "message", "expected"),
        [
            (
                "video_url",
                "String should match pattern '^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+$'.",
                validation.VIDEO_URL.invalid,
            ),
            ("minutes", "Input should be greater than or equal to 1.", "from 1 to 600"),
            ("password", "String should have at least 12 characters.", "at least 12 characters"),
            ("lesson_title", "This field is required.", "Enter a lesson title."),
        ],
    )
    def test_schema_wording_becomes_the_fields_own_sentence(
        self, field: str, message: str, expected: str
    ) -> None:
        said = validation.humane(field, message)
        assert expected in said
        assert not MACHINE_WORDS.search(said)

    def test_a_domain_message_is_kept_as_the_service_said_it(self) -> None:
        said = validation.humane("password", "This is one of the most common passwords.")
        assert said == "This is one of the most common passwords."

    def test_the_same_message_twice_is_shown_once(self) -> None:
        problem = ProblemError(422, "Invalid", "", {"x": ("Odd.", "Odd.")})
        assert FormErrors.from_problem(problem, {}).general == ["Odd."]


class TestSignUpForm:
    async def test_an_invalid_email_and_a_short_password_are_both_explained(
        self, submit: Call, identity: FakeIdentityClient
    ) -> None:
        page = await submit("/signup", {"email": "not-an-email", "password": "short"})
        assert page.status_code == 422
        assert "like ada@example.org" in field_error(page, "email")
        assert "at least 12 characters" in field_error(page, "password")
        assert identity.users == {}

    async def test_the_inputs_carry_identitys_limits(self, site: httpx.AsyncClient) -> None:
        page = (await site.get("/signup")).text
        assert re.search(r'id="email"[^>]*type="email"[^>]* required maxlength="320"', page)
        assert re.search(r'id="password"[^>]* required minlength="12" maxlength="256"', page)


class TestCourseForms:
    async def test_a_long_title_and_bad_tags_are_explained_at_their_fields(
        self, submit: Call, sign_in: Call, course: FakeCourseClient
    ) -> None:
        await sign_in(teacher=True)
        page = await submit(
            "/teach/courses", {"title": "x" * 201, "tags": "good, bad tag, c++", "summary": ""}
        )
        assert page.status_code == 422
        assert field_error(page, "title") == (
            "The course title can have at most 200 characters (this one has 201)."
        )
        tags = field_error(page, "tags")
        assert "“bad tag”" in tags
        assert "“c++”" in tags
        assert tags.count("“good”") == 0
        assert not MACHINE_WORDS.search(page.text.split("<main", 1)[1])
        assert 'class="form-error"' not in page.text  # nothing in a banner
        assert course.courses == {}

    async def test_a_javascript_video_link_is_explained_at_its_field(
        self, submit: Call, sign_in: Call, site: httpx.AsyncClient
    ) -> None:
        await sign_in(teacher=True)
        created = await submit("/teach/courses", {"title": "Knots"})
        editor = created.headers["location"]
        page = await submit(
            f"{editor}/lessons",
            {"lesson_title": "One", "minutes": "5", "video_url": "javascript:alert(1)"},
        )
        assert page.status_code == 422
        assert field_error(page, "video_url") == validation.VIDEO_URL.invalid

    async def test_the_inputs_carry_courses_limits(
        self, submit: Call, sign_in: Call, site: httpx.AsyncClient
    ) -> None:
        await sign_in(teacher=True)
        dashboard = (await site.get("/teach")).text
        assert re.search(r'id="title"[^>]* required maxlength="200"', dashboard)
        assert re.search(r'<textarea id="summary"[^>]* maxlength="2000"', dashboard)
        created = await submit("/teach/courses", {"title": "Knots"})
        editor = (await site.get(created.headers["location"])).text
        assert re.search(r'id="minutes"[^>]*type="number"[^>]* required min="1" max="600"', editor)
        assert re.search(r'id="video_url"[^>]*type="url"[^>]* maxlength="2000"', editor)
        assert re.search(r'id="lesson_title"[^>]* required maxlength="200"', editor)
