"""Teachers: log in, list their courses, write a new course, publish it, keep editing it, and
look at their courses' analytics (issue 21: analytics-api's figures and daily activity, the two
calls web's analytics page makes) and at what needs their attention (issue 24: teacher-tools'
course list and a course's dashboard, the calls web's "Needs attention" page makes, and
moderation's queue of their held items), and, rarely, upload a lesson video to a lesson of the
course they wrote (issue 25, scenarios.videos: resumable, in checksummed chunks).

Each teacher user edits only the course it created itself, so two users that happen to log in
as the same seeded teacher never race on one course (that would be a legitimate 409, not load).
Analytics are read for the courses the teacher had published before the run (the seed's): the
aggregator learns a course's owner from course's events, so a course published a moment ago
may not be known there yet (404 for a while, by design: ADR 0019).
"""

from __future__ import annotations

import random
import uuid

from locust import FastHttpUser, between, task

from edu.testing import api_calls
from scenarios.accounts import SignedIn
from scenarios.platform import platform, send
from scenarios.videos import upload

LESSON = {
    "title": "Getting set up",
    "body_markdown": "## Before you start\n\nInstall the tools and open the exercises.\n",
    "estimated_minutes": 12,
}


class Teacher(FastHttpUser):
    weight = 1
    wait_time = between(3, 7)
    max_retries = 1  # see Visitor

    def on_start(self) -> None:
        self.session = SignedIn(self, platform().any_teacher())
        self.course_id: str | None = None
        self.lesson_ids: list[str] = []  # the lessons of the course this user wrote
        self.published: list[str] = []  # the seed's published courses of this teacher
        # Every teacher call happens at least once per user, whatever the random task picks.
        self.my_courses()
        self.course_analytics()
        self.needs_attention()
        self.write_course()
        self.edit_course()
        self.upload_video()

    @task(3)
    def my_courses(self) -> None:
        response = self.client.get(
            f"{platform().course}/teaching/courses",
            headers=self.session.headers(),
            name="/teaching/courses",
        )
        if response.status_code == 200 and not self.published:
            self.published = [c["id"] for c in response.json() if c["status"] == "published"]

    @task(2)
    def course_analytics(self) -> None:
        """The analytics page of one of their published courses: figures, then daily activity."""
        if self.published:
            course_id = random.choice(self.published)  # noqa: S311 - load pattern
            send(self, api_calls.course_figures(self.session.token(), course_id))
            send(self, api_calls.daily_activity(self.session.token(), course_id))

    @task(2)
    def needs_attention(self) -> None:
        """web's "Needs attention" page: the teacher's courses with their unanswered questions
        and held items counted, then one published course's dashboard; and the review queue."""
        send(self, api_calls.teacher_courses(self.session.token()))
        if self.published:
            course_id = random.choice(self.published)  # noqa: S311 - load pattern
            send(self, api_calls.course_dashboard(self.session.token(), course_id))
        send(self, api_calls.review_queue(self.session.token()))

    @task(1)
    def write_course(self) -> None:
        """A new draft with a lesson, then published: what a teacher does on a good day."""
        created = send(self, api_calls.create_course(self.session.token(), self._details()))
        if created.status_code != 201:
            return
        self.course_id = course_id = str(created.json()["id"])
        self.lesson_ids = []
        self.add_lesson()
        send(self, api_calls.publish(self.session.token(), course_id))

    @task(2)
    def add_lesson(self) -> None:
        if self.course_id:
            added = send(self, api_calls.add_lesson(self.session.token(), self.course_id, LESSON))
            if added.status_code == 201:
                self.lesson_ids.append(str(added.json()["id"]))

    @task(1)
    def upload_video(self) -> None:
        """A lesson video for one of the lessons they wrote (the uploads are few: each is
        transcoded on the machine the calls are measured on)."""
        token = self.session.token()
        if self.course_id and self.lesson_ids and token:
            lesson_id = random.choice(self.lesson_ids)  # noqa: S311 - load pattern
            upload(self, token, self.course_id, lesson_id)

    @task(3)
    def edit_course(self) -> None:
        if self.course_id:
            self.client.put(
                f"{platform().course}/courses/{self.course_id}",
                json=self._details(),
                headers=self.session.headers(),
                name="/courses/{course_id}",
            )

    def _details(self) -> dict[str, object]:
        level = random.choice(["beginner", "intermediate", "advanced"])  # noqa: S311
        return {
            "title": f"Load-written course {uuid.uuid4().hex[:8]}",
            "summary": "Written by the load suite's teachers: practice projects and exercises.",
            "level": level,
            "tags": ["load-suite", "exercises"],
        }
