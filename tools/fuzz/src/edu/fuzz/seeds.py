"""State the fuzzer cannot reach inside one service's OpenAPI: published courses for enrollment.

Enrolment needs a course that another service published. Links cannot cross OpenAPI documents,
so the run publishes a few courses through course's real API before fuzzing and hands their ids
to enrollment's fuzzing (as a schemathesis dictionary); the journey test covers the same chain
with links instead (see ``edu.fuzz.journey``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from uuid import UUID

import requests

from edu.fuzz.accounts import TIMEOUT, Account, SetupFailed


@dataclass(frozen=True)
class PublishedCourse:
    course_id: UUID
    lesson_ids: tuple[UUID, ...]


def publish_course(course_url: str, teacher: Account, *, lessons: int) -> PublishedCourse:
    """A course with ``lessons`` lessons, published by ``teacher`` through course's API."""
    auth = teacher.authorization
    course = _post(
        f"{course_url}/courses",
        {"title": f"Fuzzing seed {secrets.token_hex(3)}", "summary": "Seeded by edu-fuzz."},
        auth,
        201,
    )
    lesson_ids = tuple(
        UUID(
            _post(
                f"{course_url}/courses/{course['id']}/lessons",
                {"title": f"Lesson {n + 1}", "body_markdown": "Read this.", "estimated_minutes": 5},
                auth,
                201,
            )["id"]
        )
        for n in range(lessons)
    )
    _post(f"{course_url}/courses/{course['id']}/publish", None, auth, 200)
    return PublishedCourse(course_id=UUID(course["id"]), lesson_ids=lesson_ids)


def _post(url: str, body: object, headers: dict[str, str], status: int) -> dict[str, str]:
    answer = requests.post(url, json=body, headers=headers, timeout=TIMEOUT)
    if answer.status_code != status:
        raise SetupFailed(
            f"seeding: POST {url} answered {answer.status_code}, not {status}: {answer.text[:500]}"
        )
    found: dict[str, str] = answer.json()
    return found
