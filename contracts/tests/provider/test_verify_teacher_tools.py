"""teacher-tools as a provider (web's "Needs attention" page) and its pacts verified against
its real upstreams on the provider stack (see
conftest.py): course (Python), messaging (Rust: the stack's binary built from this checkout)
and moderation (Python), each with the session teacher's token.

The states are made through the providers' own APIs before the verifier runs (messaging and
moderation learn from events, asynchronously; the verifier gives a state 5 s): a published
course; a course whose enrolled student asked two questions and whose teacher answered the
first, once messaging shows all three (moderation allowed them); a course whose title
moderation holds (a sales phrase), once moderation's queue has it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from edu.testing import api_calls, journeys
from edu.testing.harness_client import UnexpectedStatus

T = TypeVar("T")
PUBLISHED = "a signed-in teacher with a published course"
FIRST_COURSE = "a new teacher with one published course"
ANSWERED = "a teacher's course with two questions from a student, one answered by the teacher"
HELD = "a teacher's course whose title moderation holds"
WAITING = "a teacher's published course with an enrolled student's unanswered question"


def eventually(what: str, attempt: Callable[[], T | None], seconds: float = 20) -> T:
    """``attempt()``'s first answer that is not None (or raises UnexpectedStatus), within
    ``seconds``: the providers learn courses, enrolments and decisions from events."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = attempt()
        except UnexpectedStatus:
            found = None
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:g} s")
        time.sleep(0.1)


def first_course(platform: Any) -> dict[str, str]:
    email = f"teacher-{time.monotonic_ns()}@example.com"
    account = platform.api.run(journeys.new_account(email, "correct horse battery", teacher=True))
    draft = {"title": "Python for teachers", "summary": "One course."}
    lesson = {"title": "Lesson 1", "body_markdown": "Read this."}
    platform.api.run(journeys.make_course(account.access_token, draft, [lesson], publish=True))
    return {"token": account.access_token}


def answered_course(platform: Any) -> dict[str, str]:
    course, _ = platform.enrollment()
    course_id = course["id"]
    student, teacher = platform.student_token, platform.teacher_token

    def post(call: api_calls.Call) -> dict[str, Any]:
        # 403 until messaging has the enrolment (the student) or the course (its teacher)
        made: dict[str, Any] = eventually(
            f"{call.op} in {course_id}", lambda: platform.api.send(call).json()
        )
        return made

    first = post(api_calls.ask_question(student, course_id, "Why does lesson one loop forever?"))
    post(api_calls.ask_question(student, course_id, "Where do I find the exercises?"))
    post(api_calls.answer_question(teacher, course_id, first["id"], "Add a break condition."))

    def all_visible() -> bool | None:
        posts = platform.api.send(api_calls.qa_history(teacher, course_id)).json()["posts"]
        return True if len(posts) == 3 else None

    eventually(f"three visible posts in {course_id}", all_visible)
    return {"course_id": course_id}


def waiting_course(platform: Any) -> dict[str, str]:
    """The session teacher's course with the session student enrolled and a question of theirs
    unanswered, once teacher-tools shows both (messaging's history, its enrolments from
    enrollment.created)."""
    course, _ = platform.enrollment()
    course_id, teacher = course["id"], platform.teacher_token
    # (its own words: moderation holds a student's repeated post, and the other states'
    # student is the same session student)
    question = api_calls.ask_question(
        platform.student_token, course_id, "Is there a video for the setup chapter?"
    )
    eventually(f"a question in {course_id}", lambda: platform.api.send(question).json())

    def shown() -> bool | None:
        board = platform.api.send(api_calls.course_dashboard(teacher, course_id)).json()
        figures = board["enrolment"]["figures"] or {}
        waiting = board["unanswered_questions"]["count"]
        return True if waiting == 1 and figures.get("enrolled") == 1 else None

    eventually(f"teacher-tools showing {course_id}", shown)
    return {"course_id": course_id}


def held_course(platform: Any) -> dict[str, str]:
    teacher = platform.teacher_token
    draft = {"title": f"Python {time.monotonic_ns() % 10**6}, click here", "summary": "Held."}
    lesson = {"title": "Lesson 1", "body_markdown": "Read this."}
    made = platform.api.run(journeys.make_course(teacher, draft, [lesson], publish=True))
    course_id = str(made.id)

    def held() -> bool | None:
        items = platform.api.send(api_calls.held_items(teacher, course_id)).json()["items"]
        return True if items else None

    eventually(f"moderation holding {course_id}", held)
    return {"course_id": course_id}


class TestTeacherToolsAsAProvider:
    @pytest.mark.pact_pair("web", "teacher-tools")
    def test_teacher_tools_honours_web(self, platform: Any, verify_pact: Any) -> None:
        waiting = waiting_course(platform)
        states = {WAITING: lambda: waiting}
        verify_pact("teacher-tools", "web", states=states, token=platform.teacher_token)


class TestTeacherToolsUpstreams:
    @pytest.mark.pact_pair("teacher-tools", "course")
    def test_course_honours_teacher_tools(self, platform: Any, verify_pact: Any) -> None:
        # no session token: the list's interaction sends its state's own teacher's
        states = {
            PUBLISHED: lambda: {
                **platform.course_ids(publish=True),
                "token": platform.teacher_token,
            },
            FIRST_COURSE: lambda: first_course(platform),
        }
        verify_pact("course", "teacher-tools", states=states)

    @pytest.mark.pact_pair("teacher-tools", "messaging")
    def test_messaging_honours_teacher_tools(self, platform: Any, verify_pact: Any) -> None:
        answered = answered_course(platform)
        states = {ANSWERED: lambda: answered}
        verify_pact("messaging", "teacher-tools", states=states, token=platform.teacher_token)

    @pytest.mark.pact_pair("teacher-tools", "moderation")
    def test_moderation_honours_teacher_tools(self, platform: Any, verify_pact: Any) -> None:
        held = held_course(platform)
        states = {HELD: lambda: held}
        verify_pact("moderation", "teacher-tools", states=states, token=platform.teacher_token)
