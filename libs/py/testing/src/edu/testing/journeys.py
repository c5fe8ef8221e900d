"""The journeys every suite needs (sign up, log in, become a teacher, make and publish a course,
enrol, complete a lesson), written once and sent by any client.

A journey is a generator ("sans-IO"): it yields each ``Call`` it needs, receives the answer,
and returns a typed result. ``HarnessClient.run`` drives it over sync httpx,
``AsyncHarnessClient.run`` over async httpx (``edu.testing.harness_client``)::

    account = client.run(journeys.new_account("ada@example.org", PASSWORD, teacher=True))
    course = await client.run(journeys.make_course(account.access_token, draft, lessons))

The client checks every answer against the call's expected statuses, so a journey reads only
answers that succeeded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import httpx

from edu.testing import api_calls
from edu.testing.api_calls import Call

T = TypeVar("T")
Steps = Generator[Call, httpx.Response, T]


@dataclass(frozen=True)
class User:
    id: str
    email: str
    roles: tuple[str, ...]

    @classmethod
    def of(cls, answer: Mapping[str, Any]) -> User:
        return cls(str(answer["id"]), str(answer["email"]), tuple(answer["roles"]))


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str

    @classmethod
    def of(cls, answer: Mapping[str, Any]) -> Tokens:
        return cls(str(answer["access_token"]), str(answer["refresh_token"]))


@dataclass(frozen=True)
class Account:
    """A signed-in account: its credentials and its current tokens."""

    email: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass(frozen=True)
class Course:
    """A course a teacher made: its id, its lessons' ids in order, and course's last answer
    about it (the published course, or the draft as created when not published)."""

    id: str
    lesson_ids: tuple[str, ...]
    view: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Enrollment:
    id: str
    view: dict[str, Any] = field(default_factory=dict)


def sign_up(
    email: str, password: str, *, teacher: bool = False, tolerate: tuple[int, ...] = ()
) -> Steps[User | None]:
    """The new user; None when a tolerated status answered instead (409: the email is taken)."""
    answer = yield api_calls.sign_up(email, password, teacher=teacher).tolerating(*tolerate)
    return User.of(answer.json()) if answer.status_code == 201 else None


def log_in(email: str, password: str) -> Steps[Tokens]:
    answer = yield api_calls.log_in(email, password)
    return Tokens.of(answer.json())


def new_account(
    email: str, password: str, *, teacher: bool = False, tolerate: tuple[int, ...] = ()
) -> Steps[Account]:
    """Sign up (a student, and a teacher too with ``teacher``), then log in."""
    yield from sign_up(email, password, teacher=teacher, tolerate=tolerate)
    tokens = yield from log_in(email, password)
    return Account(email, password, tokens.access_token, tokens.refresh_token)


def become_teacher(account: Account) -> Steps[Account]:
    """Take the teacher role, then refresh: access tokens carry the roles they were issued with."""
    yield api_calls.become_teacher(account.access_token)
    answer = yield api_calls.refresh(account.refresh_token)
    tokens = Tokens.of(answer.json())
    return replace(account, access_token=tokens.access_token, refresh_token=tokens.refresh_token)


def make_course(
    token: str,
    draft: Mapping[str, Any],
    lessons: Sequence[Mapping[str, Any]],
    *,
    publish: bool = True,
) -> Steps[Course]:
    """A course with ``lessons`` in order, made by the teacher of ``token``; published unless
    ``publish`` is False."""
    created = (yield api_calls.create_course(token, draft)).json()
    course_id = str(created["id"])
    lesson_ids = []
    for lesson in lessons:
        added = yield api_calls.add_lesson(token, course_id, lesson)
        lesson_ids.append(str(added.json()["id"]))
    view: dict[str, Any] = created
    if publish:
        view = (yield api_calls.publish(token, course_id)).json()
    return Course(course_id, tuple(lesson_ids), view)


def enrol(token: str, course_id: str) -> Steps[Enrollment]:
    answer = (yield api_calls.enrol(token, course_id)).json()
    return Enrollment(str(answer["id"]), answer)


def complete_lesson(token: str, enrollment_id: str, lesson_id: str) -> Steps[Enrollment]:
    answer = (yield api_calls.complete_lesson(token, enrollment_id, lesson_id)).json()
    return Enrollment(str(answer["id"]), answer)


VIDEO_CHUNK_BYTES = 1 << 20  # under video-processor's 8 MiB chunk limit: a few requests per clip


def upload_video(
    token: str,
    course_id: str,
    lesson_id: str,
    data: bytes,
    *,
    content_type: str = "video/mp4",
    chunk_bytes: int = VIDEO_CHUNK_BYTES,
) -> Steps[str]:
    """A lesson's video uploaded whole by its teacher (declared, sent in checksummed chunks,
    completed): the video's id. Transcoding starts from the ``video.uploaded`` it emits."""
    whole = hashlib.sha256(data).hexdigest()
    declared = yield api_calls.declare_video(
        token, course_id, lesson_id, len(data), whole, content_type
    )
    video_id = str(declared.json()["id"])
    for offset in range(0, len(data), chunk_bytes):
        chunk = data[offset : offset + chunk_bytes]
        digest = hashlib.sha256(chunk).hexdigest()
        yield api_calls.send_video_chunk(token, video_id, offset, chunk, digest)
    yield api_calls.complete_video(token, video_id)
    return video_id


@dataclass(frozen=True)
class Watched:
    """What a student's player fetched of a ready video: the ladder's rendition playlists
    (paths) and the sizes of the poster, the first segment, the first caption track (0 when
    the video has none) and the original's range."""

    renditions: tuple[str, ...]
    poster_bytes: int
    segment_bytes: int
    captions_bytes: int
    original_range_bytes: int


def playlist_entries(playlist: str, path: str) -> list[str]:
    """The URIs an HLS playlist names (its lines that are not tags), as paths resolved
    against the playlist's own ``path``, as a player resolves them."""
    base = path.rsplit("/", 1)[0]
    return [
        f"{base}/{line.strip()}"
        for line in playlist.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def watch_video(token: str, video_id: str, *, range_bytes: int = 64 * 1024) -> Steps[Watched]:
    """A student (or the teacher) plays a ready video as a lesson page's player does: the
    signed links, the poster (shown before play), the master playlist, its first rendition's
    playlist, that rendition's first segment, the first caption track (a ``<track>``'s file)
    when there is one, and ``range_bytes`` of the original (a player seeking in it, the
    fallback without HLS)."""
    links = (yield api_calls.playback(token, video_id)).json()
    poster = yield api_calls.signed_file(str(links["poster_url"]))
    master = str(links["master_playlist_url"])
    renditions = playlist_entries((yield api_calls.signed_file(master)).text, master)
    rendition = renditions[0]
    segments = playlist_entries((yield api_calls.signed_file(rendition)).text, rendition)
    segment = yield api_calls.signed_file(segments[0])
    captions_bytes = 0
    if links.get("captions"):
        track = yield api_calls.signed_file(str(links["captions"][0]["url"]))
        captions_bytes = len(track.content)
    original = yield api_calls.signed_file(
        str(links["original_url"]), first_byte=0, last_byte=range_bytes - 1
    )
    return Watched(
        tuple(renditions),
        len(poster.content),
        len(segment.content),
        captions_bytes,
        len(original.content),
    )
