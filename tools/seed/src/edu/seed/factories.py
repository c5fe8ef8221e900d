"""factory-boy factories for the seed's specs, with Faker seeded per entity.

Each attribute draws from a Faker seeded with (kind, index, attribute), never from a shared
random stream: the same index always gives the same account or course, whatever size is being
seeded and in whatever order the factories run. That determinism is what lets a second run
find, by natural key, everything the first one made.
"""

from __future__ import annotations

import random

import factory
from faker import Faker

from edu.course.domain.values import Level
from edu.seed.specs import SEED_DOMAIN, AccountSpec, CourseSpec, LessonSpec

SUBJECTS = (
    "Python",
    "Data Analysis",
    "Web Development",
    "Statistics",
    "Machine Learning",
    "Rust",
    "Cloud Computing",
    "Databases",
    "Interface Design",
    "Photography",
    "Spanish",
    "Music Theory",
    "Algebra",
    "Creative Writing",
    "Public Speaking",
    "Accounting",
)
EXTRA_TAGS = ("project-based", "exercises", "video", "quick-start", "certificate", "deep-dive")

_faker = Faker("en_US")


def fake(*key: object) -> Faker:
    """The shared Faker, reseeded for exactly this entity and attribute."""
    _faker.seed_instance("/".join(str(part) for part in key))
    return _faker


def rng(*key: object) -> random.Random:
    # Reproducible on purpose: the same key must give the same data on every run.
    return random.Random("/".join(str(part) for part in key))  # noqa: S311 - not for secrets


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _email(index: int, as_teacher: bool) -> str:
    kind = "teacher" if as_teacher else "student"
    first, last = fake(kind, index, "name").first_name(), fake(kind, index, "last").last_name()
    return f"{slug(first)}.{slug(last)}.{kind[0]}{index:05d}@{SEED_DOMAIN}"


class AccountFactory(factory.Factory[AccountSpec]):
    class Meta:
        model = AccountSpec

    index = 0
    as_teacher = False
    email: factory.LazyAttribute[AccountSpec, str] = factory.LazyAttribute(
        lambda o: _email(o.index, o.as_teacher)
    )


def _lessons(index: int) -> tuple[LessonSpec, ...]:
    count = rng("course", index, "lessons").randint(3, 12)
    return tuple(LessonFactory.build(course_index=index, position=p) for p in range(count))


def _body(course_index: int, position: int) -> str:
    f = fake("lesson", course_index, position, "body")
    points = "\n".join(f"- {f.sentence(nb_words=8)}" for _ in range(3))
    return f"## {f.catch_phrase()}\n\n{f.paragraph(nb_sentences=5)}\n\n{points}\n"


def _video(course_index: int, position: int) -> str | None:
    if rng("lesson", course_index, position, "video").random() < 0.4:
        return f"https://videos.example.com/{course_index}/{position}"
    return None


class LessonFactory(factory.Factory[LessonSpec]):
    class Meta:
        model = LessonSpec
        exclude = ("course_index", "position")

    course_index = 0
    position = 0
    title: factory.LazyAttribute[LessonSpec, str] = factory.LazyAttribute(
        lambda o: (
            fake("lesson", o.course_index, o.position, "title").sentence(nb_words=5).rstrip(".")
        )
    )
    body_markdown: factory.LazyAttribute[LessonSpec, str] = factory.LazyAttribute(
        lambda o: _body(o.course_index, o.position)
    )
    video_url: factory.LazyAttribute[LessonSpec, str | None] = factory.LazyAttribute(
        lambda o: _video(o.course_index, o.position)
    )
    estimated_minutes: factory.LazyAttribute[LessonSpec, int] = factory.LazyAttribute(
        lambda o: rng("lesson", o.course_index, o.position, "minutes").randint(5, 45)
    )


def _subject(index: int) -> str:
    return rng("course", index, "subject").choice(SUBJECTS)


def _tags(index: int) -> tuple[str, ...]:
    extra = rng("course", index, "tags").sample(EXTRA_TAGS, k=2)
    return (slug(_subject(index)), *extra)


class CourseFactory(factory.Factory[CourseSpec]):
    class Meta:
        model = CourseSpec

    index = 0
    teacher_index = 0
    title: factory.LazyAttribute[CourseSpec, str] = factory.LazyAttribute(
        lambda o: f"{_subject(o.index)}: {fake('course', o.index, 'title').catch_phrase().title()}"
    )
    summary: factory.LazyAttribute[CourseSpec, str] = factory.LazyAttribute(
        lambda o: fake("course", o.index, "summary").paragraph(nb_sentences=4)
    )
    level: factory.LazyAttribute[CourseSpec, Level] = factory.LazyAttribute(
        lambda o: rng("course", o.index, "level").choice(list(Level))
    )
    tags: factory.LazyAttribute[CourseSpec, tuple[str, ...]] = factory.LazyAttribute(
        lambda o: _tags(o.index)
    )
    lessons: factory.LazyAttribute[CourseSpec, tuple[LessonSpec, ...]] = factory.LazyAttribute(
        lambda o: _lessons(o.index)
    )
    # Most courses are out; some stay drafts their teachers are still writing.
    published: factory.LazyAttribute[CourseSpec, bool] = factory.LazyAttribute(
        lambda o: rng("course", o.index, "published").random() < 0.85
    )
