"""What the seed means to exist: plain, deterministic descriptions of accounts, courses and
enrolments. The factories make them; the seeding steps turn them into use-case calls."""

from __future__ import annotations

from dataclasses import dataclass

from edu.course.domain.values import CourseDetails, LessonContent, Level

SEED_DOMAIN = "seed.eduplatform.test"
# Every seeded account has this password, so developers and the load tests can log in as any
# of them. It passes identity's password policy like any other.
SEED_PASSWORD = "seeded-learner-passphrase"  # noqa: S105 - public development data, on purpose


@dataclass(frozen=True)
class AccountSpec:
    """An account; its email is the natural key a second run finds it by."""

    index: int
    email: str
    as_teacher: bool


@dataclass(frozen=True)
class LessonSpec:
    title: str
    body_markdown: str
    video_url: str | None
    estimated_minutes: int

    def content(self) -> LessonContent:
        return LessonContent(
            title=self.title,
            body_markdown=self.body_markdown,
            video_url=self.video_url,
            estimated_minutes=self.estimated_minutes,
        )


@dataclass(frozen=True)
class CourseSpec:
    """A course; (teacher, title) is the natural key a second run finds it by."""

    index: int
    teacher_index: int
    title: str
    summary: str
    level: Level
    tags: tuple[str, ...]
    lessons: tuple[LessonSpec, ...]
    published: bool

    def details(self) -> CourseDetails:
        return CourseDetails(
            title=self.title, summary=self.summary, level=self.level, tags=self.tags
        )


@dataclass(frozen=True)
class EnrollmentSpec:
    """A student in a published course who has completed its first ``lessons_done`` lessons."""

    student_index: int
    course_index: int
    lessons_done: int
