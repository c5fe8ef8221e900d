"""Request and response bodies of the course API (pydantic), and their mapping to the domain.

The limits repeat the domain's (edu.course.domain.values) so OpenAPI documents them, and every
value the documented schema allows is one the domain accepts (the API fuzzer holds us to it);
the domain still checks everything, whoever calls it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from edu.common.json_fields import NOT_BLANK, JsonInt, Text
from edu.course.domain import values
from edu.course.domain.course import Course, CourseStatus, Lesson
from edu.course.domain.price import AMOUNT_MINOR_MAX, Price
from edu.course.domain.values import CourseDetails, LessonContent, Level
from edu.course.service_layer.ports import CataloguePage, CourseSummary

# Patterns are checked with Python's `re`, whose escapes (\uXXXX) JSON Schema's dialect shares.
_REQUEST = ConfigDict(extra="forbid", regex_engine="python-re")
# Free text is edu.common's Text: no NUL, which PostgreSQL cannot store. A title also needs
# something besides white space (NOT_BLANK): the domain strips titles and refuses empty ones.
# A tag is a slug; capitals are accepted and stored lower-cased (the domain's normalise_tag).
Tag = Annotated[
    str, StringConstraints(max_length=values.TAG_MAX, pattern=r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
]
# http(s), a host name, printable ASCII after it: a subset of what the domain's URL check
# accepts (other characters are percent-encoded in a URL anyway).
VIDEO_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"


class CourseIn(BaseModel):
    model_config = _REQUEST

    title: str = Field(
        min_length=1, max_length=values.TITLE_MAX, pattern=NOT_BLANK, examples=["Intro to Rust"]
    )
    summary: Text = Field(default="", max_length=values.SUMMARY_MAX)
    level: Level = Level.BEGINNER
    tags: list[Tag] = Field(default=[], max_length=values.TAGS_MAX, examples=[["rust"]])

    def to_domain(self) -> CourseDetails:
        return CourseDetails(self.title, self.summary, self.level, tuple(self.tags))


# The domain's CURRENCIES (a unit test keeps the two equal), spelled out for OpenAPI.
CurrencyCode = Literal["EUR", "USD", "GBP", "CHF", "SEK", "PLN", "UAH", "JPY"]


class PriceIn(BaseModel):
    """What the course costs, in integer minor units: 1999 with EUR is 19.99 EUR."""

    model_config = _REQUEST

    currency_code: CurrencyCode = Field(examples=["EUR"])
    amount_minor: JsonInt = Field(ge=1, le=AMOUNT_MINOR_MAX, examples=[1999])

    def to_domain(self) -> Price:
        return Price(self.currency_code, self.amount_minor)


class PriceOut(BaseModel):
    currency_code: str
    amount_minor: int = Field(description="In minor units: 1999 with EUR is 19.99 EUR.")
    display: str = Field(description="For people, e.g. `19.99 EUR`.")

    @classmethod
    def of(cls, price: Price | None) -> PriceOut | None:
        if price is None:
            return None
        return cls(
            currency_code=price.currency_code, amount_minor=price.amount_minor, display=str(price)
        )


class LessonIn(BaseModel):
    model_config = _REQUEST

    title: str = Field(min_length=1, max_length=values.TITLE_MAX, pattern=NOT_BLANK)
    body_markdown: Text = Field(default="", max_length=values.BODY_MAX)
    video_url: str | None = Field(
        default=None, max_length=values.URL_MAX, pattern=VIDEO_URL_PATTERN
    )
    estimated_minutes: JsonInt = Field(default=10, ge=1, le=values.MINUTES_MAX)

    def to_domain(self) -> LessonContent:
        return LessonContent(self.title, self.body_markdown, self.video_url, self.estimated_minutes)


class LessonOrderIn(BaseModel):
    model_config = _REQUEST

    lesson_ids: list[UUID] = Field(description="Every lesson of the course, in the new order.")


class LessonOut(BaseModel):
    id: UUID
    position: int
    title: str
    body_markdown: str
    video_url: str | None
    estimated_minutes: int

    @classmethod
    def of(cls, lesson: Lesson, position: int) -> LessonOut:
        c = lesson.content
        return cls(
            id=lesson.id,
            position=position,
            title=c.title,
            body_markdown=c.body_markdown,
            video_url=c.video_url,
            estimated_minutes=c.estimated_minutes,
        )


class LessonOutlineOut(BaseModel):
    """A lesson as the catalogue shows it: no body."""

    id: UUID
    position: int
    title: str
    estimated_minutes: int
    has_video: bool


class CourseBase(BaseModel):
    id: UUID
    teacher_id: UUID
    title: str
    summary: str
    level: Level
    tags: list[str]
    status: CourseStatus
    version: int = Field(description="Grows with every change; events carry it too.")
    published_at: datetime | None
    price: PriceOut | None = Field(description="What enrolling costs; null: the course is free.")


def _base(course: Course) -> dict[str, object]:
    d = course.details
    return {
        "id": course.id,
        "teacher_id": course.teacher_id,
        "title": d.title,
        "summary": d.summary,
        "level": d.level,
        "tags": list(d.tags),
        "status": course.status,
        "version": course.version,
        "published_at": course.published_at,
        "price": PriceOut.of(course.price),
    }


class CourseOut(CourseBase):
    """A course as its teacher sees it, with every lesson in full."""

    created_at: datetime
    updated_at: datetime
    lessons: list[LessonOut]

    @classmethod
    def of(cls, course: Course) -> CourseOut:
        lessons = [LessonOut.of(lesson, i) for i, lesson in enumerate(course.lessons)]
        return cls.model_validate(
            {
                **_base(course),
                "created_at": course.created_at,
                "updated_at": course.updated_at,
                "lessons": lessons,
            }
        )


class PublishedCourseOut(CourseBase):
    """A published course with its lesson outline."""

    lesson_count: int
    total_minutes: int
    lessons: list[LessonOutlineOut]

    @classmethod
    def of(cls, course: Course) -> PublishedCourseOut:
        outline = [
            LessonOutlineOut(
                id=lesson.id,
                position=i,
                title=lesson.content.title,
                estimated_minutes=lesson.content.estimated_minutes,
                has_video=lesson.content.video_url is not None,
            )
            for i, lesson in enumerate(course.lessons)
        ]
        return cls.model_validate(
            {
                **_base(course),
                "lesson_count": len(outline),
                "total_minutes": sum(lesson.estimated_minutes for lesson in outline),
                "lessons": outline,
            }
        )


class CourseSummaryOut(BaseModel):
    id: UUID
    teacher_id: UUID
    title: str
    summary: str
    level: Level
    tags: list[str]
    lesson_count: int
    total_minutes: int
    published_at: datetime
    price: PriceOut | None = Field(description="What enrolling costs; null: the course is free.")

    @classmethod
    def of(cls, summary: CourseSummary) -> CourseSummaryOut:
        return cls.model_validate(
            {**summary.__dict__, "tags": list(summary.tags), "price": PriceOut.of(summary.price)}
        )


class CataloguePageOut(BaseModel):
    items: list[CourseSummaryOut]
    total: int = Field(description="How many published courses match, over all pages.")
    page: int
    page_size: int

    @classmethod
    def of(cls, page: CataloguePage) -> CataloguePageOut:
        return cls(
            items=[CourseSummaryOut.of(item) for item in page.items],
            total=page.total,
            page=page.page,
            page_size=page.page_size,
        )
