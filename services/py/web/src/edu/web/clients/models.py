"""What web reads from the services: only the fields it shows. Unknown fields are ignored
(tolerant reader), so a service may add to its answers without breaking the front end."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(_Read):
    id: UUID
    email: str
    roles: tuple[str, ...]


class Tokens(_Read):
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int


class Price(_Read):
    """What enrolling in a course costs, in integer minor units (1999 EUR is 19.99 EUR)."""

    currency_code: str
    amount_minor: int
    display: str


class CourseSummary(_Read):
    id: UUID
    title: str
    summary: str
    level: str
    tags: tuple[str, ...]
    lesson_count: int
    total_minutes: int
    price: Price | None = None  # None: free


class CataloguePage(_Read):
    items: tuple[CourseSummary, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class LessonOutline(_Read):
    id: UUID
    position: int
    title: str
    estimated_minutes: int


class PublishedCourse(_Read):
    id: UUID
    teacher_id: UUID
    title: str
    summary: str
    level: str
    tags: tuple[str, ...]
    lesson_count: int
    total_minutes: int
    lessons: tuple[LessonOutline, ...]
    price: Price | None = None  # None: free


class Lesson(_Read):
    id: UUID
    position: int
    title: str
    body_markdown: str
    video_url: str | None
    estimated_minutes: int


class TeacherCourse(_Read):
    """A course as its teacher sees it: drafts too, every lesson in full."""

    id: UUID
    title: str
    summary: str
    level: str
    tags: tuple[str, ...]
    status: str
    lessons: tuple[Lesson, ...]
    price: Price | None = None  # None: free

    @property
    def published(self) -> bool:
        return self.status == "published"


class Progress(_Read):
    completed_lessons: int
    total_lessons: int
    percent: int


class Enrollment(_Read):
    id: UUID
    course_id: UUID
    course_title: str
    status: str
    enrolled_at: datetime
    completed_at: datetime | None
    progress: Progress
    completed_lesson_ids: tuple[UUID, ...]
    certificate_code: str | None


class Money(_Read):
    currency_code: str
    amount_minor: int


class Payment(_Read):
    """A student's payment for a course, as the payment-engine reports it."""

    id: UUID
    course_id: UUID
    amount: Money
    status: str  # pending, succeeded, failed or refunded
    created_at: datetime
    failure_reason: str | None = None

    @property
    def settled(self) -> bool:
        return self.status != "pending"


class Certificate(_Read):
    code: str
    course_id: UUID
    course_title: str
    issued_at: datetime


class CourseDraft(BaseModel):
    """A teacher's new course, as the course API takes it."""

    model_config = ConfigDict(frozen=True)

    title: str
    summary: str = ""
    level: str = "beginner"
    tags: tuple[str, ...] = ()


class LessonDraft(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    body_markdown: str = ""
    estimated_minutes: int = 10
    video_url: str | None = None


class Notification(_Read):
    id: UUID
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


class NotificationPage(_Read):
    items: tuple[Notification, ...]
    total: int
    limit: int
    offset: int


class EmailPreferences(_Read):
    enrollment_emails: bool


class Funnel(_Read):
    opened: int
    past_halfway: int
    finished: int


class DropOffBucket(_Read):
    from_seconds: int
    to_seconds: int
    sessions: int


class LessonFigures(_Read):
    lesson_id: UUID
    views: int
    viewers: int
    funnel: Funnel
    sessions: int
    median_position_seconds: float | None
    duration_seconds: int
    drop_off: tuple[DropOffBucket, ...]


class CourseFigures(_Read):
    """analytics-api's figures for one course, its lessons in the course's order."""

    course_id: UUID
    title: str
    lessons: tuple[LessonFigures, ...]


class ActiveDay(_Read):
    day: date
    active_students: int


class DailyActivity(_Read):
    """Active students per UTC day, every day of the range listed (0 included)."""

    course_id: UUID
    days: tuple[ActiveDay, ...]


class RejectedEvent(_Read):
    index: int
    id: str
    reason: str


class IngestReport(_Read):
    """event-ingestion's answer to a batch: each event is in exactly one list."""

    accepted: tuple[str, ...]
    duplicates: tuple[str, ...]
    rejected: tuple[RejectedEvent, ...]


class SearchHit(_Read):
    """One course search found (ADR 0025): what the catalogue shows of it; ``highlights`` maps
    a field (title, summary, lesson, tag) to its text with the matched words in ``<b>``."""

    course_id: UUID
    title: str
    level: str
    tags: tuple[str, ...]
    highlights: dict[str, str]


class SearchFacets(_Read):
    """How many matches each level and tag has (each facet ignores its own filter)."""

    level: dict[str, int]
    tag: dict[str, int]


class SearchResults(_Read):
    hits: tuple[SearchHit, ...]
    total: int
    limit: int
    offset: int
    facets: SearchFacets


class QaPost(_Read):
    """A question or an answer of a course's Q&A, as messaging shows it to the caller."""

    id: UUID
    course_id: UUID
    kind: str  # question | answer
    author_id: UUID
    body: str
    # visible to everyone taking part; the author's own post only: pending (awaiting
    # moderation, or held for a person) or rejected
    status: str
    created_at: datetime
    question_id: UUID | None = None
    seq: int | None = None  # its place in the course's feed; None while others do not see it

    @property
    def is_question(self) -> bool:
        return self.kind == "question"


class QaPage(_Read):
    """A page of a course's Q&A: visible posts ascending by place, and the caller's own
    posts others do not see (pending or rejected)."""

    posts: tuple[QaPost, ...]
    more: bool
    unpublished: tuple[QaPost, ...] = ()
