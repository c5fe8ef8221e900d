"""Students: log in, look at their enrolments, enrol in courses, study lessons in order.

Seeded students pick up where the seed left them (enrolments at varied progress); new students
sign up first. Studying is a lesson page's visit (scenarios.learning): the student opens the
next lesson of an active enrolment (its page's GET, ``lesson.opened`` sent at once), the page
sends heartbeats in batches while the student goes on with their other tasks, and the next
study task finishes it (``lesson.finished`` and the last heartbeat, sent as the page is left),
marks the lesson complete with enrollment and opens the next one. Every completion is of a
lesson the course really has. Students also play the run's ready lesson video
(scenarios.videos), enrolling in its course first when they are not enrolled yet.
"""

from __future__ import annotations

import random
from typing import Any

from locust import FastHttpUser, between, task

from edu.testing import api_calls
from scenarios.accounts import SignedIn, sign_up
from scenarios.catalogue import CatalogueBrowsing
from scenarios.learning import send_batch
from scenarios.lesson_page import LessonPage, user_id_of
from scenarios.platform import platform, send
from scenarios.videos import lesson_video, watch


class Student(FastHttpUser):
    weight = 6
    wait_time = between(1, 3)
    max_retries = 1  # see Visitor

    def on_start(self) -> None:
        self.catalogue = CatalogueBrowsing(self)
        self.session = SignedIn(self, self.account())
        self.lessons: dict[str, list[str]] = {}  # course id -> lesson ids, in course order
        self.enrollments: dict[str, dict[str, Any]] = {}  # enrolment id -> its last answer
        self.page: LessonPage | None = None  # the lesson the student is on
        self.my_enrollments()

    def tick(self) -> None:
        """The open lesson page's timers: its batch, when one is due (before every task)."""
        if self.page is not None and self.page.due():
            send_batch(self, self.session.token(), self.page)

    def account(self) -> str:
        return platform().any_student()

    @task(3)
    def my_enrollments(self) -> None:
        self.tick()
        response = self.client.get(
            f"{platform().enrollment}/enrollments",
            headers=self.session.headers(),
            name="/enrollments",
        )
        if response.status_code == 200:
            self.enrollments = {e["id"]: e for e in response.json()}

    @task(2)
    def enrol(self) -> None:
        self.tick()
        course = self.catalogue.course()
        if course is None:
            return
        self.lessons[course["id"]] = [lesson["id"] for lesson in course["lessons"]]
        response = send(self, api_calls.enrol(self.session.token(), course["id"]))
        if response.status_code in (200, 201):
            enrollment = response.json()
            self.enrollments[enrollment["id"]] = enrollment

    @task(4)
    def study(self) -> None:
        """Finish the lesson the student is on (mark it complete), then open the next one."""
        self.tick()
        if self.page is not None:
            self._finish(self.page)
            self.page = None
        self._open_next_lesson()

    def _finish(self, page: LessonPage) -> None:
        page.leave()
        send_batch(self, self.session.token(), page)
        call = api_calls.complete_lesson(self.session.token(), page.enrollment_id, page.lesson_id)
        response = send(self, call)
        if response.status_code == 200:
            self.enrollments[page.enrollment_id] = response.json()

    def _open_next_lesson(self) -> None:
        active = [e for e in self.enrollments.values() if e["status"] == "active"]
        if not active:
            return
        enrollment = random.choice(active)  # noqa: S311 - load pattern, not a secret
        course_id = enrollment["course_id"]
        lessons = self._lessons_of(course_id)
        done = set(enrollment["completed_lesson_ids"])
        remaining = [lesson for lesson in lessons if lesson not in done]
        token = self.session.token()
        if not remaining or token is None:
            return
        response = self.client.get(
            f"{platform().course}/courses/{course_id}/lessons/{remaining[0]}",
            name="/courses/{course_id}/lessons/{lesson_id}",
        )
        if response.status_code != 200:
            return
        self.page = LessonPage(user_id_of(token), enrollment["id"], course_id, response.json())
        send_batch(self, token, self.page)  # lesson.opened, as the page loads

    @task(2)
    def watch_video(self) -> None:
        """The lesson video's page: enrolled in its course (enrolling when not yet), the
        student's player fetches the signed links, the playlists, a segment, a range."""
        self.tick()
        token = self.session.token()
        if token is None:
            return
        course_id = lesson_video().course_id
        watching = {"active", "completed"}  # video-processor's rule: a revoked one may not watch
        mine = self.enrollments.values()
        if not any(e["course_id"] == course_id and e["status"] in watching for e in mine):
            response = send(self, api_calls.enrol(token, course_id))
            if response.status_code not in (200, 201):
                return
            enrollment = response.json()
            self.enrollments[enrollment["id"]] = enrollment
        watch(self, token)

    @task(2)
    def browse(self) -> None:
        self.tick()
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
