"""Students: log in, look at their enrolments, enrol in courses, complete lessons in order.

Seeded students pick up where the seed left them (enrolments at varied progress); new students
sign up first. Every completion is of a lesson the course really has.
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, between, task

from edu.testing import api_calls
from scenarios.accounts import SignedIn, sign_up
from scenarios.catalogue import CatalogueBrowsing
from scenarios.platform import platform, send


class Student(FastHttpUser):
    weight = 6
    wait_time = between(1, 3)
    max_retries = 1  # see Visitor

    def on_start(self) -> None:
        self.catalogue = CatalogueBrowsing(self)
        self.session = SignedIn(self, self.account())
        self.lessons: dict[str, list[str]] = {}  # course id -> lesson ids, in course order
        self.enrollments: dict[str, dict[str, Any]] = {}  # enrolment id -> its last answer
        self.my_enrollments()

    def account(self) -> str:
        return platform().any_student()

    @task(3)
    def my_enrollments(self) -> None:
        response = self.client.get(
            f"{platform().enrollment}/enrollments",
            headers=self.session.headers(),
            name="/enrollments",
        )
        if response.status_code == 200:
            self.enrollments = {e["id"]: e for e in response.json()}

    @task(2)
    def enrol(self) -> None:
        course = self.catalogue.course()
        if course is None:
            return
        self.lessons[course["id"]] = [lesson["id"] for lesson in course["lessons"]]
        response = send(self, api_calls.enrol(self.session.token(), course["id"]))
        if response.status_code in (200, 201):
            enrollment = response.json()
            self.enrollments[enrollment["id"]] = enrollment

    @task(4)
    def complete_next_lesson(self) -> None:
        active = [e for e in self.enrollments.values() if e["status"] == "active"]
        if not active:
            return
        enrollment = random.choice(active)  # noqa: S311 - load pattern, not a secret
        lessons = self._lessons_of(enrollment["course_id"])
        done = set(enrollment["completed_lesson_ids"])
        remaining = [lesson for lesson in lessons if lesson not in done]
        if not remaining:
            return
        call = api_calls.complete_lesson(self.session.token(), enrollment["id"], remaining[0])
        response = send(self, call)
        if response.status_code == 200:
            self.enrollments[enrollment["id"]] = response.json()

    @task(2)
    def browse(self) -> None:
        self.catalogue.browse()

    def _lessons_of(self, course_id: str) -> list[str]:
        if course_id not in self.lessons:
            response = self.client.get(
                f"{platform().course}/courses/{course_id}", name="/courses/{course_id}"
            )
            if response.status_code != 200:
                return []
            self.lessons[course_id] = [lesson["id"] for lesson in response.json()["lessons"]]
        return self.lessons[course_id]


class NewStudent(Student):
    """Signs up (argon2id hashing: the costliest call there is), then studies like the others."""

    weight = 1

    def account(self) -> str:
        return sign_up(self)
