"""What the services accept, mirrored for web's forms.

The same limits give the inputs their HTML constraints (``required``, ``minlength``,
``maxlength``, ``min``/``max``, ``type``) and let web say what is wrong next to the field, in
words, before it calls a service. The services stay the judge: whatever they still refuse comes
back as problem+json and :func:`humane` puts it in the same words (never pydantic's wording or
a regular expression). A unit test holds these numbers to the services' OpenAPI documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """One form field: its name in messages and the rules the service applies to it."""

    label: str
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    # Said when the value has the wrong shape (the service's pattern does not match).
    invalid: str = ""

    def missing(self) -> str:
        return f"Enter {_article(self.label)} {self.label}."

    def too_short(self, length: int | None = None) -> str:
        has = f" (this one has {length})" if length is not None else ""
        return f"The {self.label} needs at least {self.min_length} characters{has}."

    def too_long(self, length: int | None = None) -> str:
        has = f" (this one has {length})" if length is not None else ""
        return f"The {self.label} can have at most {self.max_length} characters{has}."

    def out_of_range(self) -> str:
        return self.invalid or f"Enter a whole number from {self.minimum} to {self.maximum}."

    def check(self, value: str) -> str | None:
        """What is wrong with a text value, or None."""
        if not value.strip():
            return self.missing() if self.required else None
        if self.min_length is not None and len(value) < self.min_length:
            return self.too_short(len(value))
        if self.max_length is not None and len(value) > self.max_length:
            return self.too_long(len(value))
        return None


def _article(label: str) -> str:
    return "an" if label[:1] in "aeiou" else "a"


# identity: SignUpRequest. Its own domain rules (common passwords, the email's parts) say more.
EMAIL = Limits("email address", required=True, max_length=320)
PASSWORD = Limits("password", required=True, min_length=12, max_length=256)
# course: CourseIn and LessonIn.
COURSE_TITLE = Limits(
    "course title", required=True, max_length=200, invalid="Enter a course title, not only spaces."
)
SUMMARY = Limits("summary", max_length=2000)
TAG = Limits(
    "tag",
    max_length=32,
    invalid="use only letters and digits, with single hyphens between words (like data-science)",
)
MAX_TAGS = 10
LESSON_TITLE = Limits(
    "lesson title", required=True, max_length=200, invalid="Enter a lesson title, not only spaces."
)
LESSON_BODY = Limits("lesson text", max_length=100_000)
VIDEO_URL = Limits(
    "video link",
    max_length=2000,
    invalid="Enter a web address starting with https:// (or http://), like https://example.org/v.",
)
MINUTES = Limits(
    "estimated minutes",
    required=True,
    minimum=1,
    maximum=600,
    invalid="Enter a whole number of minutes from 1 to 600, such as 10.",
)
# course: the catalogue's q.
SEARCH = Limits("search", max_length=200)

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAG_SHAPE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
_VIDEO_URL_SHAPE = re.compile(
    r"^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$"
)


def email_problem(value: str) -> str | None:
    if problem := EMAIL.check(value):
        return problem
    if not _EMAIL_SHAPE.match(value.strip()):
        return "Enter an email address like ada@example.org."
    return None


def tag_problems(tags: Sequence[str]) -> list[str]:
    """One message per tag that is wrong, naming it; then one if there are too many."""
    problems = [tag_problem(tag) for tag in tags]
    found = [p for p in problems if p]
    if len(tags) > MAX_TAGS:
        found.append(f"Use at most {MAX_TAGS} tags (there are {len(tags)}).")
    return found


def tag_problem(tag: str) -> str | None:
    if TAG.max_length is not None and len(tag) > TAG.max_length:
        return f"The tag “{tag}” is too long: a tag has at most {TAG.max_length} characters."
    if not _TAG_SHAPE.match(tag):
        return f"The tag “{tag}” is not valid: {TAG.invalid}."
    return None


def video_url_problem(value: str) -> str | None:
    if not value.strip():
        return None
    if problem := VIDEO_URL.check(value):
        return problem
    return None if _VIDEO_URL_SHAPE.match(value.strip()) else VIDEO_URL.invalid


def minutes_problem(value: str) -> str | None:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 600:
        return MINUTES.out_of_range()
    return None


# Our form field -> its rules, for translating what a service still refused.
FIELDS: dict[str, Limits] = {
    "email": EMAIL,
    "password": PASSWORD,
    "title": COURSE_TITLE,
    "summary": SUMMARY,
    "tags": TAG,
    "lesson_title": LESSON_TITLE,
    "body": LESSON_BODY,
    "video_url": VIDEO_URL,
    "minutes": MINUTES,
    "q": SEARCH,
}
_SCHEMA_WORDING = re.compile(
    r"^(String|Input|List|Value|Field) should |^This field is required", re.IGNORECASE
)


def humane(field: str, message: str, item: str | None = None) -> str:
    """The service's message for ``field`` in the words of this site. A domain message (plain
    words already, e.g. "This is one of the most common passwords.") is kept as it is; a schema
    message (pydantic's "String should …", a pattern) becomes the field's own sentence.
    ``item`` is the list entry the message is about (which tag)."""
    limits = FIELDS.get(field)
    if limits is None or not _SCHEMA_WORDING.match(message):
        return message
    lowered = message.lower()
    if field == "tags" and "items" in lowered:
        return f"Use at most {MAX_TAGS} tags."
    if field == "tags" and item is not None:
        return tag_problem(item) or f"The tag “{item}” is not valid: {TAG.invalid}."
    if "required" in lowered:
        return limits.missing()
    if "at least" in lowered and "character" in lowered:
        return limits.too_short()
    if "at most" in lowered and "character" in lowered:
        return limits.too_long()
    if "than or equal" in lowered or "valid integer" in lowered:
        return limits.out_of_range()
    return limits.invalid or f"Check the {limits.label}: it is not in a form we can accept."
